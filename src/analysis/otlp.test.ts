import fc from 'fast-check';

import { hexToBase64 } from './fixtures';
import { ID_BASE64, ID_HEX, ID_NONE, decodeId, decodeUnixNanosToMs, hexIdToBase64, idForm } from './otlp';

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

describe('idForm', () => {
  it('accepts exactly the ids decodeId decodes, and calls a spelling canonical only if it is the one spelling of its id', () => {
    fc.assert(
      fc.property(fc.oneof(idLike, hex, hex.map(hexToBase64), respelled, fc.string()), (value) => {
        const form = idForm(value);
        const decoded = decodeId(value);
        expect(form === ID_NONE).toBe(decoded === undefined);
        if (decoded !== undefined) {
          expect(form === ID_HEX).toBe(value === decoded);
          expect(form === ID_BASE64).toBe(value === hexIdToBase64(decoded));
        }
      }),
      { numRuns: 20_000 }
    );
  });

  it('treats all-zero ids in any spelling as no id', () => {
    for (const zero of [
      '0000000000000000',
      'AAAAAAAAAAA=',
      'AAAAAAAAAAA',
      'AAAAAAAAAAAAAAAAAAAAAA==',
      'AAAAAAAAAAB=',
    ]) {
      expect(idForm(zero)).toBe(ID_NONE);
    }
  });
});

describe('hexIdToBase64', () => {
  it('spells a hex id as padded standard base64, in either case', () => {
    fc.assert(
      fc.property(hex, (h) => {
        expect(hexIdToBase64(h)).toBe(hexToBase64(h));
        expect(hexIdToBase64(h.toUpperCase())).toBe(hexToBase64(h));
      })
    );
    expect(hexIdToBase64('not an id')).toBeUndefined();
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
