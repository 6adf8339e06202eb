import fc from 'fast-check';
import { globToRegex } from '../queries';
import { Ownership, OwnershipTableSchema, globMatches } from './ownership';
import { VERDICTS } from './ownershipVerdicts.testing';

/** How the query builders turn the same glob into the RE2 regex they send to Prometheus, Tempo and Loki. */
const queryVerdict = (glob: string, service: string) => new RegExp(`^(?:${globToRegex(glob)})$`, 'u').test(service);

describe('service globs', () => {
  it.each(VERDICTS)(
    '%s against %s: %s, for the controller, the app and the queries alike',
    (glob, service, verdict) => {
      expect(globMatches(glob, service)).toBe(verdict);
      expect(new Ownership([{ team: 't', services: [glob] }]).owns(['t'], service)).toBe(verdict);
      expect(queryVerdict(glob, service)).toBe(verdict);
    }
  );

  it('gives the same verdict as the query builders for any glob of the alphabet (property)', () => {
    const alphabet = fc.constantFrom(...'ab.-_/:@*?'.split(''));
    const glob = fc.string({ unit: alphabet, minLength: 1, maxLength: 8 }).filter((g) => /^[A-Za-z0-9*?]/.test(g));
    const name = fc.string({ unit: fc.constantFrom(...'ab.-_/:@x'.split('')), minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(glob, name, (g, n) => globMatches(g, n) === queryVerdict(g, n)),
      { numRuns: 2000 }
    );
  });
});

describe('ownership table', () => {
  const table = new Ownership([
    { team: 'payments', services: ['payments-*', 'fraud'] },
    { team: 'edge', services: ['gateway', 'payments-edge'] },
  ]);

  it('answers who owns a service, and what a set of teams owns', () => {
    expect(table.owners('payments-edge')).toEqual(['payments', 'edge']);
    expect(table.owners('search')).toEqual([]);
    expect(table.globsOf(['edge', 'payments'])).toEqual(['payments-*', 'fraud', 'gateway', 'payments-edge']);
    expect(table.owns(['edge'], 'fraud')).toBe(false);
    expect(table.teams).toEqual(['payments', 'edge']);
  });

  it('refuses a table the controller could not enforce, saying which row is wrong', () => {
    const problems = (rows: unknown) => {
      const parsed = OwnershipTableSchema.safeParse(rows);
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(problems([{ team: 'payments', services: ['payments-*'] }])).toEqual([]);
    expect(problems([{ team: ' ', services: ['a'] }])).toEqual(['0.team: name the Grafana team']);
    expect(problems([{ team: 'p', services: [] }])).toEqual(['0.services: list at least one service or glob']);
    expect(problems([{ team: 'p', services: ['a"} or {'] }])[0]).toMatch(/^0\.services\.0: a service name or glob/);
    expect(
      problems([
        { team: 'p', services: ['a'] },
        { team: 'p', services: ['b'] },
      ])
    ).toEqual(['1.team: team "p" is listed twice; put all its services in one row']);
    expect(problems([{ team: 'p', services: ['a'], namespace: 'x' }])[0]).toMatch(/unrecognized key/i);
  });
});
