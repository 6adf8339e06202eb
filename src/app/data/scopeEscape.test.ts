/**
 * Issue 24, case 1: a Viewer of the team owning `ledger` and `ledger-?` opens the incident page with
 * `?service=ledger-*`. The glob `ledger-?` holds the *name* `ledger-*`, so the filter is allowed; it must then
 * reach every query as that name, never as the glob that would match another team's `ledger-audit`.
 */
import { type TransportResponse, createJaegerClient } from '../../clients';
import { type Scope, scopeOf } from '../../queries';
import { SCOPED_BUILDERS } from '../../queries/builders.testing';
import { queryShape } from '../../queries/queryShape.testing';
import { parseScopeChoice, resolveScope } from '../scope/scope';
import { fetchJaegerCandidates } from './jaegerCandidates';

const OWNERSHIP = [
  { team: 'ledger', services: ['ledger', 'ledger-?'] },
  { team: 'audit', services: ['ledger-audit'] },
];

function ledgerViewerScope(service: string): Scope {
  const resolved = resolveScope({
    choice: parseScopeChoice('mine'),
    service,
    teams: ['ledger'],
    isAdmin: false,
    ownership: OWNERSHIP,
  });
  if (!resolved.ok) {
    throw new Error(resolved.reason);
  }
  return resolved.scope;
}

describe.each(SCOPED_BUILDERS)("%s for the ledger-? Viewer's ?service=ledger-*", (_name, build) => {
  it('matches the one service named ledger-*, exactly as it matches a plain name', () => {
    const benign = queryShape(build(scopeOf(['svc'])));
    const asked = queryShape(build(ledgerViewerScope('ledger-*')));

    // The same query with the same operators: an exact match on the service label, not a regex.
    expect(asked.skeleton).toBe(benign.skeleton);
    const serviceLiterals = benign.literals.flatMap((literal, i) => (literal === 'svc' ? [asked.literals[i]] : []));
    expect(serviceLiterals.length).toBeGreaterThan(0);
    expect(new Set(serviceLiterals)).toEqual(new Set(['ledger-*']));
  });
});

describe("Jaeger's search path for the ledger-? Viewer's ?service=ledger-*", () => {
  it('searches the service named ledger-* only, never the services the glob would list', async () => {
    const asked: URL[] = [];
    const answer = (status: number, body: unknown): TransportResponse => ({
      status,
      headers: { get: () => null },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(JSON.stringify(body)));
          controller.close();
        },
      }),
    });
    const jaeger = createJaegerClient({
      baseUrl: 'http://jaeger',
      transport: async (url) => {
        const u = new URL(url);
        asked.push(u);
        switch (u.pathname) {
          case '/api/v3/services':
            return answer(200, { services: ['ledger', 'ledger-a', 'ledger-audit', 'ledger-*'] });
          case '/api/traces':
            return answer(200, { data: [] });
          default:
            return answer(404, { error: { httpCode: 404, message: 'No traces found' } });
        }
      },
    });

    const found = await fetchJaegerCandidates({
      jaeger,
      scope: ledgerViewerScope('ledger-*'),
      start: 1_700_000_000,
      end: 1_700_003_600,
      slowSpanMs: 500,
    });

    expect(found.services).toEqual(['ledger-*']);
    const searched = asked
      .filter((u) => u.pathname !== '/api/v3/services')
      .map((u) => u.searchParams.get('query.service_name') ?? u.searchParams.get('service'));
    expect(searched.length).toBeGreaterThan(0);
    expect(new Set(searched)).toEqual(new Set(['ledger-*']));
  });
});
