/**
 * Decoding of the two JSON flavours a trace arrives in: spec OTLP/JSON (hex ids, numeric enums)
 * and Tempo's gogo-jsonpb output (base64 ids, `SPAN_KIND_*` / `STATUS_CODE_*` strings), see
 * grafana/tempo#3802 and #5437. Everything here is allocation-light because it runs once per span.
 */

/** OTLP `AnyValue` flattened to JSON-friendly values. */
export type AttributeValue =
  string | number | boolean | null | readonly AttributeValue[] | { readonly [key: string]: AttributeValue };

/** An OTLP `KeyValue` as it appears in either JSON flavour; fields are untrusted. */
export interface OtlpKeyValue {
  readonly key?: unknown;
  readonly value?: unknown;
}

export type SpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type SpanStatus = 'unset' | 'ok' | 'error';

const KINDS: readonly SpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUSES: readonly SpanStatus[] = ['unset', 'ok', 'error'];

// Tempo's enum names are compared as strings rather than looked up in an object: a key parsed from JSON is not
// an internalised string, and looking it up costs a search of V8's string table per span.
export function decodeKind(value: unknown): SpanKind {
  if (typeof value === 'number') {
    return KINDS[value] ?? 'unspecified';
  }
  switch (value) {
    case 'SPAN_KIND_SERVER':
      return 'server';
    case 'SPAN_KIND_CLIENT':
      return 'client';
    case 'SPAN_KIND_INTERNAL':
      return 'internal';
    case 'SPAN_KIND_PRODUCER':
      return 'producer';
    case 'SPAN_KIND_CONSUMER':
      return 'consumer';
    default:
      return 'unspecified';
  }
}

export function decodeStatus(value: unknown): SpanStatus {
  if (typeof value === 'number') {
    return STATUSES[value] ?? 'unset';
  }
  switch (value) {
    case 'STATUS_CODE_ERROR':
      return 'error';
    case 'STATUS_CODE_OK':
      return 'ok';
    default:
      return 'unset';
  }
}

const BASE64 = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  .split('')
  .forEach((ch, i) => (BASE64[ch.charCodeAt(0)] = i));
// URL-safe alphabet too: some proxies re-encode ids that way.
BASE64['-'.charCodeAt(0)] = 62;
BASE64['_'.charCodeAt(0)] = 63;

const HEX_ID = /^(?:[0-9a-fA-F]{16}|[0-9a-fA-F]{32})$/;
const ZERO_SPAN_ID = '0'.repeat(16);
const ZERO_TRACE_ID = '0'.repeat(32);

/**
 * A trace or span id as lower-case hex, from hex or base64. Both lengths are unambiguous: hex ids
 * are 16 or 32 characters, base64 ids of 8 or 16 bytes are 12 or 24 (11 or 22 unpadded).
 * An all-zero id means "no id" (some exporters send it for a root's parent); undefined then.
 */
export function decodeId(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    return undefined;
  }
  const hex = HEX_ID.test(value) ? value.toLowerCase() : base64ToHex(value);
  return hex === undefined || hex === ZERO_SPAN_ID || hex === ZERO_TRACE_ID ? undefined : hex;
}

/**
 * How an id is spelled. `buildTrace` reads every id once, as numbers (`readId`), and decodes the
 * hex string only when an id is shown; a lower-case hex id is its own hex string.
 */
export type IdForm = typeof ID_NONE | typeof ID_HEX | typeof ID_ENCODED;
/** No id: missing, malformed or all zeros (`decodeId` returns undefined). */
export const ID_NONE = 0;
/** Lower-case hex: the string is already the id. */
export const ID_HEX = 1;
/** Any other accepted spelling: upper-case hex, base64 (padded or not, standard or URL-safe). */
export const ID_ENCODED = 2;

/**
 * Int32 slots per id in the arrays `readId` writes to: the id's bytes as four big-endian 32-bit
 * words (an 8-byte span id fills the first two, the rest stay zero), then its length in bytes.
 */
export const ID_STRIDE = 5;

/**
 * Reads an id exactly as `decodeId` would (same ids accepted, same bytes) into
 * `out[at … at + ID_STRIDE)`, without building a string, and says how it is spelled. Comparing
 * what it writes compares decoded ids, whatever their spellings. On `ID_NONE` the slots hold junk.
 */
export function readId(value: unknown, out: Int32Array, at: number): IdForm {
  if (typeof value !== 'string') {
    return ID_NONE;
  }
  const length = value.length;
  const form = length === 16 || length === 32 ? readHexId(value, out, at) : NOT_HEX;
  return form === NOT_HEX ? readBase64Id(value, out, at) : form;
}

/** `readId` found a character that is not a hex digit. */
const NOT_HEX = -1;

/** A 16- or 32-character id as hex; each word is gathered in a local and written once. */
function readHexId(value: string, out: Int32Array, at: number): IdForm | typeof NOT_HEX {
  const words = value.length >> 3;
  let any = 0;
  let upper = false;
  for (let w = 0; w < 4; w++) {
    let word = 0;
    for (let i = w * 8; w < words && i < w * 8 + 8; i++) {
      const code = value.charCodeAt(i);
      let nibble: number;
      if (code >= 48 && code <= 57) {
        nibble = code - 48;
      } else if (code >= 97 && code <= 102) {
        nibble = code - 87;
      } else if (code >= 65 && code <= 70) {
        nibble = code - 55;
        upper = true;
      } else {
        return NOT_HEX;
      }
      word = (word << 4) | nibble;
    }
    any |= word;
    out[at + w] = word;
  }
  out[at + 4] = words * 4;
  return any === 0 ? ID_NONE : upper ? ID_ENCODED : ID_HEX;
}

function readBase64Id(value: string, out: Int32Array, at: number): IdForm {
  let sextets = 0;
  let buffer = 0;
  let bits = 0;
  let bytes = 0;
  let word = 0;
  let nonZero = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 61 /* = */) {
      break;
    }
    const sextet = code < 128 ? (BASE64[code] ?? -1) : -1;
    if (sextet < 0) {
      return ID_NONE;
    }
    sextets++;
    buffer = ((buffer << 6) | sextet) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = (buffer >> bits) & 0xff;
      nonZero |= byte;
      word = (word << 8) | byte;
      bytes++;
      if ((bytes & 3) === 0 && bytes <= 16) {
        out[at + (bytes >> 2) - 1] = word;
        word = 0;
      }
    }
  }
  // 11 sextets carry 8 bytes (and 2 unused bits), 22 carry 16 bytes (and 4 unused bits).
  if ((sextets !== 11 && sextets !== 22) || nonZero === 0) {
    return ID_NONE;
  }
  if (bytes === 8) {
    out[at + 2] = 0;
    out[at + 3] = 0;
  }
  out[at + 4] = bytes;
  return ID_ENCODED;
}

/** Whether `value` is a span or trace id spelled in hex, in either case. */
export function isHexId(value: string): boolean {
  return HEX_ID.test(value);
}

const HEX_DIGITS = '0123456789abcdef';
/** Scratch space for the hex digits of one id; ids are decoded one at a time. */
const hexCodes: number[] = [];

function base64ToHex(value: string): string | undefined {
  hexCodes.length = 0;
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 61 /* = */) {
      break;
    }
    const sextet = code < 128 ? (BASE64[code] ?? -1) : -1;
    if (sextet < 0) {
      return undefined;
    }
    buffer = ((buffer << 6) | sextet) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = (buffer >> bits) & 0xff;
      hexCodes.push(HEX_DIGITS.charCodeAt(byte >> 4), HEX_DIGITS.charCodeAt(byte & 15));
    }
  }
  return hexCodes.length === 16 || hexCodes.length === 32 ? String.fromCharCode(...hexCodes) : undefined;
}

/** Whole milliseconds below 10^15 (until the year 33658) are exact in a double. */
const MAX_EXACT_MS_DIGITS = 15;

/**
 * Unix nanoseconds (a decimal string, as both flavours encode uint64, or a number) to
 * milliseconds. `Number` of the whole string would round to ~0.25 µs and turn a 290 ms span into
 * 289.99976 ms; splitting off the sub-millisecond digits keeps whole milliseconds exact. Plain
 * digit strings are read in place (two timestamps per span: no substrings to allocate); anything
 * else goes through `Number`, which gives the same value for digits.
 */
export function decodeUnixNanosToMs(value: unknown): number {
  readUnixNanosToMs(value, scratchMs, 0);
  return scratchMs[0]!;
}

const scratchMs = new Float64Array(1);

/**
 * `decodeUnixNanosToMs` into `out[at]`. The model building calls it twice per span and is too large to inline
 * it, and a double returned from a call that is not inlined is boxed: a heap number per timestamp.
 */
export function readUnixNanosToMs(value: unknown, out: Float64Array, at: number): void {
  if (typeof value === 'number') {
    out[at] = value / 1e6;
    return;
  }
  if (typeof value !== 'string' || value.length === 0) {
    out[at] = Number.NaN;
    return;
  }
  const split = value.length - 6;
  if (split <= 0) {
    out[at] = Number(value) / 1e6;
    return;
  }
  if (split <= MAX_EXACT_MS_DIGITS) {
    let ms = 0;
    let sub = 0;
    let i = 0;
    for (; i < split; i++) {
      const digit = value.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) {
        break;
      }
      ms = ms * 10 + digit;
    }
    for (; i < value.length; i++) {
      const digit = value.charCodeAt(i) - 48;
      if (digit < 0 || digit > 9) {
        break;
      }
      sub = sub * 10 + digit;
    }
    if (i === value.length) {
      out[at] = ms + sub / 1e6;
      return;
    }
  }
  out[at] = Number(value.slice(0, -6)) + Number(value.slice(-6)) / 1e6;
}

/** OTLP `AnyValue` → plain value. Depth-limited so hostile nesting cannot exhaust the stack. */
export function decodeAnyValue(value: unknown, depth = 0): AttributeValue {
  if (value === null || typeof value !== 'object' || depth > 16) {
    return null;
  }
  const v = value as Record<string, unknown>;
  if (typeof v.stringValue === 'string') {
    return v.stringValue;
  }
  if (typeof v.boolValue === 'boolean') {
    return v.boolValue;
  }
  if (v.intValue !== undefined) {
    return typeof v.intValue === 'number' ? v.intValue : Number(v.intValue);
  }
  if (v.doubleValue !== undefined) {
    return Number(v.doubleValue);
  }
  if (typeof v.bytesValue === 'string') {
    return v.bytesValue;
  }
  if (v.arrayValue !== undefined) {
    const values = (v.arrayValue as { values?: unknown }).values;
    return Array.isArray(values) ? values.map((item) => decodeAnyValue(item, depth + 1)) : [];
  }
  if (v.kvlistValue !== undefined) {
    return decodeAttributes((v.kvlistValue as { values?: unknown }).values, depth + 1);
  }
  return null;
}

export function decodeAttributes(list: unknown, depth = 0): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (!Array.isArray(list)) {
    return out;
  }
  for (const kv of list as OtlpKeyValue[]) {
    if (kv && typeof kv.key === 'string') {
      out[kv.key] = decodeAnyValue(kv.value, depth);
    }
  }
  return out;
}

/** One string attribute without decoding the rest (used for `service.name` on every resource). */
export function stringAttribute(list: unknown, key: string): string | undefined {
  if (!Array.isArray(list)) {
    return undefined;
  }
  for (const kv of list as OtlpKeyValue[]) {
    if (kv && kv.key === key) {
      const v = kv.value as { stringValue?: unknown } | undefined;
      return typeof v?.stringValue === 'string' ? v.stringValue : undefined;
    }
  }
  return undefined;
}
