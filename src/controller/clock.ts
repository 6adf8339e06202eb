/**
 * Time as the controller's core sees it. Injected so tests can move past an override's expiry without sleeping.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
