/**
 * What the incident page is scoped to: the viewer's teams (default), one team, or all services
 * (Admins only), optionally narrowed to one service. `resolveScope` turns that choice into the
 * `Scope` every query builder takes, or into a sentence saying why there is nothing to query.
 */
import { Ownership, type TeamOwnership, serviceMatches } from '../../contract';
import { ALL_SERVICES, type Scope, ownershipScope, scopeOf, serviceName } from '../../queries';

export type ScopeChoice = { kind: 'mine' } | { kind: 'team'; team: string } | { kind: 'all' };

const MY_TEAMS: ScopeChoice = { kind: 'mine' };

/** URL form: `mine`, `all` or `team:<name>`. */
export function parseScopeChoice(value: string | null): ScopeChoice {
  if (value === 'all') {
    return { kind: 'all' };
  }
  if (value?.startsWith('team:') && value.length > 'team:'.length) {
    return { kind: 'team', team: value.slice('team:'.length) };
  }
  return MY_TEAMS;
}

export function formatScopeChoice(choice: ScopeChoice): string {
  return choice.kind === 'team' ? `team:${choice.team}` : choice.kind;
}

export interface ScopeInput {
  choice: ScopeChoice;
  /** Narrow to this one service, by its exact name (`*` and `?` are characters here); must lie inside the chosen scope. */
  service?: string;
  teams: readonly string[];
  isAdmin: boolean;
  ownership: readonly TeamOwnership[];
}

export type ResolvedScope = { ok: true; scope: Scope } | { ok: false; reason: string };

export function resolveScope({ choice, service, teams, isAdmin, ownership }: ScopeInput): ResolvedScope {
  const wide = widestScope(choice, teams, isAdmin, ownership);
  if (!wide.ok || !service) {
    return wide;
  }
  if (!scopeIncludes(wide.scope, service)) {
    return { ok: false, reason: `${service} is not one of the services in this scope.` };
  }
  // A name, never a pattern: the team's glob `ledger-?` holds the name `ledger-*`, not the services `ledger-*` matches.
  return { ok: true, scope: scopeOf([service]) };
}

/** Whether the service named `service` is in `scope`; the glob matcher is the ownership contract's, as the controller's. */
export function scopeIncludes(scope: Scope, service: string): boolean {
  return scope.kind === 'all' || scope.names.includes(serviceName(service)) || serviceMatches(scope.patterns, service);
}

function widestScope(
  choice: ScopeChoice,
  teams: readonly string[],
  isAdmin: boolean,
  ownership: readonly TeamOwnership[]
): ResolvedScope {
  switch (choice.kind) {
    case 'all':
      return isAdmin
        ? { ok: true, scope: ALL_SERVICES }
        : { ok: false, reason: 'Only Admins can look at all services. Pick one of your teams instead.' };
    case 'team': {
      // Admins may look at any team's services; everyone else at their own teams only.
      if (!isAdmin && !teams.includes(choice.team)) {
        return { ok: false, reason: `You are not a member of ${choice.team}.` };
      }
      return fromGlobs(
        new Ownership(ownership).globsOf([choice.team]),
        `${choice.team} owns no services in the ownership table.`
      );
    }
    case 'mine': {
      const why =
        teams.length === 0
          ? 'You are not in any Grafana team, so no services are yours.'
          : `None of your teams (${teams.join(', ')}) owns a service in the ownership table.`;
      return fromGlobs(
        new Ownership(ownership).globsOf(teams),
        `${why} Ask an Admin to add your team in the app settings.`
      );
    }
  }
}

function fromGlobs(globs: string[], reasonWhenEmpty: string): ResolvedScope {
  return globs.length === 0 ? { ok: false, reason: reasonWhenEmpty } : { ok: true, scope: ownershipScope(globs) };
}

/** The teams a viewer may pick in the scope selector: all configured teams for Admins, their own otherwise. */
export function selectableTeams(
  teams: readonly string[],
  isAdmin: boolean,
  ownership: readonly TeamOwnership[]
): string[] {
  const configured = new Ownership(ownership).teams;
  return isAdmin ? configured : configured.filter((team) => teams.includes(team));
}
