/**
 * The incidents the demo can reproduce, which service injects each one, and the switchboard a service
 * keeps for its own faults. Faults start from `DEMO_FAULTS` and change at run time through `POST /faults`.
 */
import { z } from 'zod';

export const SERVICES = ['gateway', 'auth', 'payments', 'fraud'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const FAULTS = {
  /** Ledger connections are returned late, so requests queue in `db.pool.acquire` and finally time out. */
  poolExhaustion: 'payments',
  /** Payments loads the account history one row per query instead of one query. */
  nPlusOne: 'payments',
  /** Fraud answers 503; payments retries, then approves without a score and reports success. */
  swallowedErrors: 'fraud',
  /** Fraud scoring takes seconds. */
  slowDownstream: 'fraud',
  /** The eu-west ledger shard answers slowly, so only payments of accounts in eu-west are slow. */
  slowLedgerShard: 'payments',
} as const satisfies Record<string, ServiceName>;
export type FaultName = keyof typeof FAULTS;
const FAULT_NAMES = Object.keys(FAULTS) as FaultName[];

export class FaultRequestError extends Error {
  override readonly name = 'FaultRequestError';
}

const FaultPatch = z.strictObject(
  Object.fromEntries(FAULT_NAMES.map((name) => [name, z.boolean().optional()])) as Record<
    FaultName,
    z.ZodOptional<z.ZodBoolean>
  >
);

/** The faults one service owns, switched on or off. */
export class Faults {
  private readonly on = new Set<FaultName>();

  constructor(
    readonly service: ServiceName,
    initial: readonly FaultName[] = []
  ) {
    for (const fault of initial) {
      if (FAULTS[fault] === service) {
        this.on.add(fault);
      }
    }
  }

  get owned(): FaultName[] {
    return FAULT_NAMES.filter((f) => FAULTS[f] === this.service);
  }

  isOn(fault: FaultName): boolean {
    return this.on.has(fault);
  }

  /** The state of every owned fault, as `GET /faults` shows it. */
  snapshot(): Partial<Record<FaultName, boolean>> {
    return Object.fromEntries(this.owned.map((f) => [f, this.on.has(f)]));
  }

  /**
   * Applies a `POST /faults` body such as `{"poolExhaustion": true}`. Nothing changes unless every
   * key is a fault this service owns, so a request sent to the wrong service says where to send it.
   */
  apply(body: unknown): void {
    const parsed = FaultPatch.safeParse(body);
    if (!parsed.success) {
      throw new FaultRequestError(
        `expected a JSON object of booleans keyed by fault (${FAULT_NAMES.join(', ')}): ${parsed.error.issues[0]?.message}`
      );
    }
    const patch = Object.entries(parsed.data) as Array<[FaultName, boolean | undefined]>;
    const foreign = patch.find(([fault]) => FAULTS[fault] !== this.service);
    if (foreign) {
      throw new FaultRequestError(`${this.service} does not inject ${foreign[0]}; send it to ${FAULTS[foreign[0]]}`);
    }
    for (const [fault, enabled] of patch) {
      enabled ? this.on.add(fault) : this.on.delete(fault);
    }
  }
}

/** `DEMO_FAULTS=poolExhaustion,slowDownstream` → the named faults; unknown names are an error. */
export function parseFaultList(list: string | undefined): FaultName[] {
  const names = (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(n in FAULTS));
  if (unknown.length > 0) {
    throw new FaultRequestError(`unknown fault ${unknown.join(', ')}; known: ${FAULT_NAMES.join(', ')}`);
  }
  return names as FaultName[];
}
