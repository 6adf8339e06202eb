/**
 * Team → service ownership from the app settings: which globs a set of teams owns, and whether a
 * concrete service name falls under them. The same glob semantics as the query builders (`*` any
 * run of characters, `?` one character, everything else literal).
 */
import { globToRegex } from '../../queries';
import type { TeamOwnership } from '../settings';

/** The service globs owned by any of `teams`, de-duplicated, in table order. */
export function globsOwnedBy(ownership: readonly TeamOwnership[], teams: readonly string[]): string[] {
  const wanted = new Set(teams);
  const globs = ownership.filter((row) => wanted.has(row.team)).flatMap((row) => row.services);
  return [...new Set(globs)];
}

/** Every team named in the ownership table, in table order. */
export function ownershipTeams(ownership: readonly TeamOwnership[]): string[] {
  return [...new Set(ownership.map((row) => row.team))];
}

export function serviceMatches(globs: readonly string[], service: string): boolean {
  return globs.some((glob) => new RegExp(`^${globToRegex(glob)}$`).test(service));
}

/** The teams that own `service`, for "ask team X" hints. */
export function teamsOwning(ownership: readonly TeamOwnership[], service: string): string[] {
  return ownership.filter((row) => serviceMatches(row.services, service)).map((row) => row.team);
}
