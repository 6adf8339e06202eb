import { ALL_SERVICES, scopeOf } from '../../queries';
import { parseScopeChoice, resolveScope, selectableTeams } from './scope';

const ownership = [
  { team: 'payments', services: ['checkout', 'payments-*'] },
  { team: 'identity', services: ['auth'] },
];

describe('resolveScope', () => {
  it("scopes to the globs of the viewer's teams by default", () => {
    expect(resolveScope({ choice: parseScopeChoice(null), teams: ['payments'], isAdmin: false, ownership })).toEqual({
      ok: true,
      scope: scopeOf(['checkout', 'payments-*']),
      globs: ['checkout', 'payments-*'],
    });
  });

  it('narrows to one service only when it lies inside the scope', () => {
    const base = { choice: parseScopeChoice('mine'), teams: ['payments'], isAdmin: false, ownership };
    expect(resolveScope({ ...base, service: 'payments-api' })).toMatchObject({
      ok: true,
      scope: scopeOf(['payments-api']),
    });
    expect(resolveScope({ ...base, service: 'auth' })).toEqual({
      ok: false,
      reason: 'auth is not one of the services in this scope.',
    });
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
    ).toMatchObject({ globs: ['auth'] });
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
