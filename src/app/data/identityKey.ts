/**
 * A short key for an object's identity, for loads keyed by strings (`useLoad`) that must rerun when a settings
 * object or a client is replaced, but not when an equal one is re-rendered: callers keep those objects memoised.
 */
const keys = new WeakMap<object, number>();
let next = 0;

export function identityKey(value: object): number {
  let key = keys.get(value);
  if (key === undefined) {
    key = ++next;
    keys.set(value, key);
  }
  return key;
}
