import fc from 'fast-check';

import { hexToBase64 } from './fixtures';
import { ID_HEX, ID_NONE, ID_STRIDE, decodeId, decodeUnixNanosToMs, readId } from './otlp';

/** Strings close to ids: hex and base64 digits, padding, the URL-safe alphabet and a few strangers. */
const idLike = fc
  .array(fc.constantFrom(...'0aAfFgz9+/-_= é'.split('')), { maxLength: 34 })
  .map((chars) => chars.join(''));
const bytes = fc.oneof(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.uint8Array({ minLength: 16, maxLength: 16 }));
const hex = bytes.map((b) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(''));
/** Real ids re-spelled: padding dropped, one character replaced. */
const respelled = fc
  .tuple(hex, fc.nat(), fc.constantFrom(...'AB0_-=/'.split('')), fc.boolean())
  .map(([h, at, ch, unpadded]) => {
    const b64 = unpadded ? hexToBase64(h).replace(/=+$/, '') : hexToBase64(h);
    const i = at % b64.length;
    return b64.slice(0, i) + ch + b64.slice(i + 1);
  });

/** The id `readId` wrote, spelled as `decodeId` spells it. */
function wordsAsHex(words: Int32Array): string {
  const bytes = words[4]!;
  let hexId = '';
  for (let k = 0; k < bytes / 4; k++) {
    hexId += (words[k]! >>> 0).toString(16).padStart(8, '0');
  }
  return hexId;
}

describe('readId', () => {
  it('accepts exactly the ids decodeId decodes, reads the same bytes, and knows a lower-case hex id is its own hex', () => {
    const words = new Int32Array(ID_STRIDE);
    fc.assert(
      fc.property(fc.oneof(idLike, hex, hex.map(hexToBase64), respelled, fc.string()), (value) => {
        words.fill(-1);
        const form = readId(value, words, 0);
        const decoded = decodeId(value);
        expect(form === ID_NONE).toBe(decoded === undefined);
        if (decoded !== undefined) {
          expect(wordsAsHex(words)).toBe(decoded);
          expect(form === ID_HEX).toBe(value === decoded);
        }
      }),
      { numRuns: 20_000 }
    );
  });

  it('reads one id in every spelling as the same words', () => {
    const spellings = ['00000000000000ab', '00000000000000AB', 'AAAAAAAAAKs=', 'AAAAAAAAAKs', 'AAAAAAAAAKv='];
    const read = spellings.map((value) => {
      const words = new Int32Array(ID_STRIDE);
      readId(value, words, 0);
      return Array.from(words);
    });
    for (const words of read) {
      expect(words).toEqual([0, 0xab, 0, 0, 8]);
    }
  });

  it('treats all-zero ids in any spelling as no id', () => {
    for (const zero of [
      '0000000000000000',
      'AAAAAAAAAAA=',
      'AAAAAAAAAAA',
      'AAAAAAAAAAAAAAAAAAAAAA==',
      'AAAAAAAAAAB=',
    ]) {
      expect(readId(zero, new Int32Array(ID_STRIDE), 0)).toBe(ID_NONE);
    }
  });
});

describe('decodeUnixNanosToMs', () => {
  it('reads digit strings as whole milliseconds plus the sub-millisecond digits', () => {
    expect(decodeUnixNanosToMs('1735689600036100000')).toBe(1_735_689_600_036 + 0.1);
    expect(decodeUnixNanosToMs('250000')).toBe(0.25);
    expect(decodeUnixNanosToMs(1_500_000)).toBe(1.5);
  });

  it('gives what Number gives for anything else', () => {
    const viaNumber = (value: string) => Number(value.slice(0, -6)) + Number(value.slice(-6)) / 1e6;
    for (const odd of [
      ' 1735689600036100000',
      '1735689600036100000 ',
      '+1735689600036100000',
      '1e+21000000',
      '12345678901234567890123',
    ]) {
      expect(decodeUnixNanosToMs(odd)).toBe(viaNumber(odd));
    }
    expect(decodeUnixNanosToMs('soon')).toBeNaN();
    expect(decodeUnixNanosToMs('')).toBeNaN();
  });
});
