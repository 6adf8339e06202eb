/**
 * Where an account's ledger lives: accounts are spread over three regional shards. Payments records
 * the shard on its spans (`ledger.region`), and the `slowLedgerShard` fault slows one of them, so the
 * comparison of anomalous with normal traces has one attribute value to find.
 */
export const LEDGER_REGIONS = ['eu-west', 'us-east', 'ap-south'] as const;
export type LedgerRegion = (typeof LEDGER_REGIONS)[number];

/** The shard `slowLedgerShard` slows. */
export const SLOW_SHARD: LedgerRegion = 'eu-west';

/** The same account always lands on the same shard; the load generator's accounts spread over all three. */
export function ledgerRegion(account: string): LedgerRegion {
  let sum = 0;
  for (let i = 0; i < account.length; i++) {
    sum += account.charCodeAt(i);
  }
  return LEDGER_REGIONS[sum % LEDGER_REGIONS.length]!;
}
