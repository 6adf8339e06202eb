import { ID_STRIDE, readId } from './otlp';
import { NOT_FOUND, SpanIndex } from './spanIndex';

/** The ids as `readId` writes them, one after the other. */
function idsOf(values: readonly string[]): Int32Array {
  const ids = new Int32Array(values.length * ID_STRIDE);
  values.forEach((value, i) => readId(value, ids, i * ID_STRIDE));
  return ids;
}

describe('SpanIndex', () => {
  it('finds every span by its id among many sequential ids (the worst case for a weak hash), and nothing for an id it does not hold', () => {
    const values = Array.from({ length: 5000 }, (_, i) => (i + 1).toString(16).padStart(i % 2 ? 16 : 32, '0'));
    const ids = idsOf(values);
    const index = new SpanIndex(ids, values.length);
    values.forEach((_, i) => expect(index.add(i)).toBe(i));
    values.forEach((_, i) => expect(index.find(ids, i * ID_STRIDE)).toBe(i));
    // The same number as an 8-byte and as a 16-byte id are different ids.
    const other = idsOf([(2).toString(16).padStart(32, '0'), 'ffffffffffffffff']);
    expect(index.find(other, 0)).toBe(NOT_FOUND);
    expect(index.find(other, ID_STRIDE)).toBe(NOT_FOUND);
  });

  it('keeps the first span of a repeated id, whatever its spelling', () => {
    const ids = idsOf(['00000000000000ab', '00000000000000cd', 'AAAAAAAAAKs=', '00000000000000AB']);
    const index = new SpanIndex(ids, 4);
    expect([0, 1, 2, 3].map((i) => index.add(i))).toEqual([0, 1, 0, 0]);
  });
});
