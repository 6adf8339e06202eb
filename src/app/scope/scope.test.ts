import fc from 'fast-check';

import { serviceMatches } from '../../contract';
import { VERDICTS } from '../../contract/ownershipVerdicts.testing';
import { ALL_SERVICES, type Scope, ownershipScope, scopeMatcher, scopeOf } from '../../queries';
import { parseScopeChoice, resolveScope, scopeIncludes, selectableTeams } from './scope';

const ownership = [
  { team: 'payments', services: ['checkout', 'payments-*'] },
  { team: 'identity', services: ['auth'] },
];

describe('resolveScope', () => {
  it("scopes to the globs of the viewer's teams by default", () => {
    expect(resolveScope({ choice: parseScopeChoice(null), teams: ['payments'], isAdmin: false, ownership })).toEqual({
      ok: true,
      scope: ownershipScope(['checkout', 'payments-*']),
    });
  });

  it('narrows to one service, by its name, only when it lies inside the scope', () => {
    const base = { choice: parseScopeChoice('mine'), teams: ['payments'], isAdmin: false, ownership };
    expect(resolveScope({ ...base, service: 'payments-api' })).toEqual({ ok: true, scope: scopeOf(['payments-api']) });
    expect(resolveScope({ ...base, service: 'auth' })).toEqual({
      ok: false,
      reason: 'auth is not one of the services in this scope.',
    });
  });

  it("reads a URL service holding * or ? as a name, so an owned glob's wildcard cannot widen the scope", () => {
    const ledger = [
      { team: 'ledger', services: ['ledger', 'ledger-?'] },
      { team: 'audit', services: ['ledger-audit'] },
    ];
    const resolved = resolveScope({
      choice: parseScopeChoice('mine'),
      service: 'ledger-*',
      teams: ['ledger'],
      isAdmin: false,
      ownership: ledger,
    });

    expect(resolved).toEqual({ ok: true, scope: scopeOf(['ledger-*']) });
    const scope = resolved.ok ? resolved.scope : ALL_SERVICES;
    expect(scopeMatcher(scope)).toEqual({ op: '=', value: 'ledger-*' });
    expect(['ledger-*', 'ledger-audit', 'ledger-a'].map((name) => scopeIncludes(scope, name))).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('lets Admins see all services and any team, and nobody else', () => {
    expect(resolveScope({ choice: parseScopeChoice('all'), teams: [], isAdmin: true, ownership })).toMatchObject({
      scope: ALL_SERVICES,
    });
    expect(resolveScope({ choice: parseScopeChoice('all'), teams: ['payments'], isAdmin: false, ownership }).ok).toBe(
      false
    );
    expect(
      resolveScope({ choice: parseScopeChoice('team:identity'), teams: [], isAdmin: true, ownership })
    ).toMatchObject({ scope: ownershipScope(['auth']) });
    expect(
      resolveScope({ choice: parseScopeChoice('team:identity'), teams: ['payments'], isAdmin: false, ownership })
    ).toEqual({
      ok: false,
      reason: 'You are not a member of identity.',
    });
    expect(selectableTeams(['payments'], false, ownership)).toEqual(['payments']);
    expect(selectableTeams([], true, ownership)).toEqual(['payments', 'identity']);
  });
});

/** Whether the queries built for `scope` select `service`, read as Prometheus, Tempo and Loki read the matcher. */
function queriesSelect(scope: Scope, service: string): boolean {
  const m = scopeMatcher(scope);
  return m.op === 'any' || (m.op === '=' ? m.value === service : new RegExp(m.pattern, 'u').test(service));
}

describe('the ownership contract as a scope (property)', () => {
  const wildcardy = (chars: string, maxLength: number) =>
    fc.string({ unit: fc.constantFrom(...chars.split('')), minLength: 1, maxLength });
  const glob = fc.oneof(
    fc.constantFrom(...VERDICTS.map(([g]) => g)),
    wildcardy('ab.-_/:@*?', 6).filter((g) => /^[A-Za-z0-9*?]/.test(g))
  );
  const name = fc.oneof(
    fc.constantFrom(...VERDICTS.map(([, service]) => service)),
    wildcardy('ab.-*?', 6),
    fc.string({ minLength: 1, maxLength: 8 })
  );

  it('no service asked for in the URL widens the scope beyond what the viewer’s globs match', () => {
    fc.assert(
      fc.property(
        fc.array(glob, { minLength: 1, maxLength: 3 }),
        fc.array(glob, { minLength: 1, maxLength: 3 }),
        name,
        fc.array(name, { maxLength: 8 }),
        (mine, theirs, asked, others) => {
          const table = [
            { team: 'mine', services: mine },
            { team: 'theirs', services: theirs },
          ];
          const resolved = resolveScope({
            choice: parseScopeChoice('mine'),
            service: asked,
            teams: ['mine'],
            isAdmin: false,
            ownership: table,
          });
          expect(resolved.ok).toBe(serviceMatches(mine, asked));
          if (!resolved.ok) {
            return;
          }
          for (const service of [asked, ...others, ...theirs, ...VERDICTS.map(([, s]) => s)]) {
            const selected = queriesSelect(resolved.scope, service);
            // Never beyond the viewer's globs, and within them only the one service asked for.
            expect({ service, selected, owned: serviceMatches(mine, service) }).not.toEqual({
              service,
              selected: true,
              owned: false,
            });
            expect(selected).toBe(service === asked);
            expect(scopeIncludes(resolved.scope, service)).toBe(service === asked);
          }
        }
      ),
      { numRuns: 3000 }
    );
  });

  it("selects exactly the services the viewer's globs match, as the contract's verdicts say", () => {
    fc.assert(
      fc.property(fc.array(glob, { minLength: 1, maxLength: 3 }), fc.array(name, { maxLength: 8 }), (mine, names) => {
        const resolved = resolveScope({
          choice: parseScopeChoice('mine'),
          teams: ['mine'],
          isAdmin: false,
          ownership: [{ team: 'mine', services: mine }],
        });
        const scope = resolved.ok ? resolved.scope : ALL_SERVICES;
        for (const service of [...names, ...VERDICTS.map(([, s]) => s)]) {
          expect(queriesSelect(scope, service)).toBe(serviceMatches(mine, service));
          expect(scopeIncludes(scope, service)).toBe(serviceMatches(mine, service));
        }
      }),
      { numRuns: 2000 }
    );
  });
});
