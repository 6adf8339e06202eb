/**
 * Spans by id while a trace is built: an open-addressing hash table on typed arrays, keyed by the
 * ids as numbers (`readId` writes them while it validates each id, so hashing costs a few
 * multiplications and no string is read twice). A `Map` keyed by the id strings was most of the
 * model build on a 100,000-span trace: each `has`, `set` and `get` hashes or compares strings
 * scattered over the parsed JSON, a cache miss or two apiece, and its table grows by rehashing.
 */
import { ID_STRIDE } from './otlp';

/** An empty slot; slots hold a span's position + 1. */
const EMPTY_SLOT = 0;
export const NOT_FOUND = -1;

export class SpanIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;

  /**
   * @param ids the id of the span at position `i` at `ids[i * ID_STRIDE]`, as `readId` wrote it
   * @param capacity how many spans may be added
   */
  constructor(
    private readonly ids: Int32Array,
    capacity: number
  ) {
    let size = 16;
    while (size < capacity * 2) {
      size *= 2;
    }
    this.slots = new Int32Array(size);
    this.mask = size - 1;
  }

  /** Indexes the span at `position` unless one with the same id is there; returns the position that holds the id. */
  add(position: number): number {
    const ids = this.ids;
    const at = position * ID_STRIDE;
    for (let slot = hash(ids, at) & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === EMPTY_SLOT) {
        this.slots[slot] = position + 1;
        return position;
      }
      if (sameId(ids, (entry - 1) * ID_STRIDE, ids, at)) {
        return entry - 1;
      }
    }
  }

  /** The position of the span whose id is at `words[at …]`, or `NOT_FOUND`. */
  find(words: Int32Array, at: number): number {
    for (let slot = hash(words, at) & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === EMPTY_SLOT) {
        return NOT_FOUND;
      }
      if (sameId(this.ids, (entry - 1) * ID_STRIDE, words, at)) {
        return entry - 1;
      }
    }
  }
}

function sameId(a: Int32Array, i: number, b: Int32Array, j: number): boolean {
  return (
    a[i] === b[j] && a[i + 1] === b[j + 1] && a[i + 4] === b[j + 4] && a[i + 2] === b[j + 2] && a[i + 3] === b[j + 3]
  );
}

/** murmur3's mixing of the id's words: ids may be sequential (`…0001`, `…0002`), slots must not be. */
function hash(words: Int32Array, at: number): number {
  let h = words[at + 4]!;
  for (let k = 0; k < 4; k++) {
    h = Math.imul(h ^ Math.imul(words[at + k]!, 0xcc9e2d51), 0x1b873593);
    h = (h << 13) | (h >>> 19);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
