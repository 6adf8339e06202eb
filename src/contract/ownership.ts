/**
 * Team ownership of services, as one contract for the app and the controller: the table the app's settings hold
 * (`jsonData.ownership`: a Grafana team and the service names or globs it owns), the glob alphabet, and the one
 * glob matcher both sides use, so the page a responder sees and the write the controller allows never disagree.
 * The controller reads this table from the app's settings through Grafana (docs/decisions.md, "Ownership").
 */
import { z } from 'zod';

/**
 * A service name or glob: the controller's service-name alphabet plus the wildcards `*` (any run of characters) and
 * `?` (one character). Every other character matches itself.
 */
const SERVICE_GLOB_PATTERN = /^[A-Za-z0-9*?][A-Za-z0-9._\-/:@*?]{0,127}$/;

const ServiceGlobSchema = z
  .string()
  .regex(
    SERVICE_GLOB_PATTERN,
    'a service name or glob is 1–128 characters of letters, digits, . _ - / : @ and the wildcards * ?'
  );

export const TeamOwnershipSchema = z
  .object({
    team: z.string().trim().min(1, 'name the Grafana team'),
    services: z.array(ServiceGlobSchema).min(1, 'list at least one service or glob'),
  })
  .strict();

export const OwnershipTableSchema = z.array(TeamOwnershipSchema).superRefine((rows, ctx) => {
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    if (seen.has(row.team)) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'team'],
        message: `team "${row.team}" is listed twice; put all its services in one row`,
      });
    }
    seen.add(row.team);
  });
});

export type TeamOwnership = z.infer<typeof TeamOwnershipSchema>;

// Globs come from the ownership table, so the cache stays small; the bound only guards against misuse.
const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 1000;

function globRegExp(glob: string): RegExp {
  let pattern = compiled.get(glob);
  if (!pattern) {
    let body = '';
    for (const ch of glob) {
      body += ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
    }
    pattern = new RegExp(`^${body}$`, 'u');
    if (compiled.size >= MAX_COMPILED) {
      compiled.clear();
    }
    compiled.set(glob, pattern);
  }
  return pattern;
}

/** Whether `service` matches one name or glob. */
export function globMatches(glob: string, service: string): boolean {
  return globRegExp(glob).test(service);
}

/** Whether `service` matches any of the names or globs. */
export function serviceMatches(globs: readonly string[], service: string): boolean {
  return globs.some((glob) => globMatches(glob, service));
}

/** Questions about one ownership table. */
export class Ownership {
  constructor(readonly rows: readonly TeamOwnership[]) {}

  /** Every team named in the table, in table order; only these need a membership look-up. */
  get teams(): string[] {
    return [...new Set(this.rows.map((row) => row.team))];
  }

  /** The globs owned by any of `teams`, de-duplicated, in table order. */
  globsOf(teams: readonly string[]): string[] {
    const wanted = new Set(teams);
    return [...new Set(this.rows.filter((row) => wanted.has(row.team)).flatMap((row) => row.services))];
  }

  /** The teams that own `service`. */
  owners(service: string): string[] {
    return [...new Set(this.rows.filter((row) => serviceMatches(row.services, service)).map((row) => row.team))];
  }

  owns(teams: readonly string[], service: string): boolean {
    return serviceMatches(this.globsOf(teams), service);
  }
}
