/**
 * Test helper: the ownership contract's verdict table, globs and names with the verdict that the controller's
 * authorization, the app's scoping and the query builders must all reach.
 */
export const VERDICTS: ReadonlyArray<[glob: string, service: string, matches: boolean]> = [
  ['payments', 'payments', true],
  ['payments', 'payments-api', false],
  ['payments-*', 'payments-api', true],
  ['payments-*', 'payments-', true],
  ['payments-*', 'payments', false],
  ['pay?ents', 'payments', true],
  ['pay?ents', 'paments', false],
  ['*', 'anything/at:all@v1', true],
  ['*-api', 'checkout-api', true],
  ['*-api', 'checkout-api-v2', false],
  ['a.b', 'a.b', true],
  ['a.b', 'axb', false],
  ['team/svc:1@eu', 'team/svc:1@eu', true],
  ['team/*@eu', 'team/svc@eu', true],
  ['team/*@eu', 'team/svc@us', false],
  ['PAYMENTS', 'payments', false],
  // A name that holds a wildcard character is a name: `?` matches its `*` like any other character.
  ['ledger-?', 'ledger-*', true],
  ['ledger-?', 'ledger-audit', false],
];
