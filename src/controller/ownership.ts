/**
 * The ownership map: which Grafana team owns which services, as service-name globs (`*` any run of characters,
 * `?` one character). Read from a YAML or JSON file at start-up, mirrored from the app's settings:
 *
 *   teams:
 *     payments: ["payments-*", "fraud"]
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';

const OwnershipFileSchema = z
  .object({
    teams: z.record(
      z.string().min(1, 'team names must not be empty'),
      z.array(z.string().min(1, 'globs must not be empty')).min(1, 'each team needs at least one service glob')
    ),
  })
  .strict();

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\/]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export class Ownership {
  private readonly rules: Array<{ team: string; glob: string; pattern: RegExp }>;

  constructor(teams: Record<string, string[]>) {
    this.rules = Object.entries(teams).flatMap(([team, globs]) =>
      globs.map((glob) => ({ team, glob, pattern: globToRegExp(glob) }))
    );
  }

  static empty(): Ownership {
    return new Ownership({});
  }

  static async fromFile(path: string): Promise<Ownership> {
    let doc: unknown;
    try {
      doc = parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new Error(`ownership file ${path}: ${(err as Error).message}`);
    }
    const parsed = OwnershipFileSchema.safeParse(doc);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`ownership file ${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
    }
    return new Ownership(parsed.data.teams);
  }

  /** Every team named in the map; only these need a membership look-up. */
  get teams(): string[] {
    return [...new Set(this.rules.map((r) => r.team))];
  }

  globsOf(teams: string[]): string[] {
    return this.rules.filter((r) => teams.includes(r.team)).map((r) => r.glob);
  }

  owners(service: string): string[] {
    return [...new Set(this.rules.filter((r) => r.pattern.test(service)).map((r) => r.team))];
  }

  owns(teams: string[], service: string): boolean {
    return this.rules.some((r) => teams.includes(r.team) && r.pattern.test(service));
  }
}
