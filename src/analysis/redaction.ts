/**
 * Redaction of span attributes before the UI shows them (design §4): an allowlist of keys shown
 * as they are, key patterns whose values are hidden entirely, and value patterns (tokens,
 * e-mails, card numbers) replaced inside any other string. Settings are plain strings so the
 * settings page can edit them; `compileRedaction` validates them once.
 */
import type { AttributeValue } from './otlp';

export const REDACTED = '[REDACTED]';

export interface RedactionSettings {
  /** Exact keys shown unchanged, e.g. `http.route`. */
  readonly allowKeys: readonly string[];
  /** Case-insensitive regex sources; an attribute whose key matches one is replaced entirely. */
  readonly secretKeyPatterns: readonly string[];
  /** Case-insensitive regex sources; every match inside a string value is replaced. */
  readonly valuePatterns: readonly string[];
  /** Replace runs of 13–19 digits (spaces/dashes allowed) that pass the Luhn check. */
  readonly redactCardNumbers: boolean;
}

export const DEFAULT_REDACTION_SETTINGS: RedactionSettings = Object.freeze({
  allowKeys: Object.freeze([
    'service.name',
    'service.namespace',
    'service.version',
    'deployment.environment.name',
    'http.route',
    'http.request.method',
    'http.response.status_code',
    'rpc.system',
    'rpc.service',
    'rpc.method',
    'db.system',
    'db.operation.name',
    'messaging.system',
    'error.type',
  ]),
  secretKeyPatterns: Object.freeze([
    'pass(word|wd)?',
    'secret',
    'token',
    'api[-_.]?key',
    'authorization',
    'cookie',
    'credential',
    'private[-_.]?key',
    'session[-_.]?id',
  ]),
  valuePatterns: Object.freeze([
    // Bearer/Basic credentials in headers that were recorded as attributes.
    '\\b(?:bearer|basic)\\s+[a-z0-9._~+/-]+=*',
    // JSON Web Tokens.
    '\\beyJ[a-z0-9_-]+\\.[a-z0-9_-]+\\.[a-z0-9_-]*',
    // Credentials in query strings.
    '(?<=[?&](?:access_token|token|api_key|apikey|key|secret|password|sig|signature)=)[^&#\\s]+',
    // E-mail addresses.
    '[a-z0-9._%+-]+@[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.[a-z]{2,}',
  ]),
  redactCardNumbers: true,
});

export class RedactionSettingsError extends Error {
  override readonly name = 'RedactionSettingsError';
}

export interface Redactor {
  /** A value as it may be shown for `key`. */
  value(key: string, value: AttributeValue): AttributeValue;
  attributes(attributes: Readonly<Record<string, AttributeValue>>): Record<string, AttributeValue>;
  /** Free text such as a status message or a log line. */
  text(text: string): string;
}

function compile(source: string, flags: string, what: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new RedactionSettingsError(
      `${what} ${JSON.stringify(source)} is not a valid regular expression: ${(e as Error).message}`
    );
  }
}

const CARD_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) {
        d -= 9;
      }
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function compileRedaction(settings: RedactionSettings = DEFAULT_REDACTION_SETTINGS): Redactor {
  const allow = new Set(settings.allowKeys);
  const secretKeys = settings.secretKeyPatterns.map((p) => compile(p, 'i', 'secret key pattern'));
  const valuePatterns = settings.valuePatterns.map((p) => compile(p, 'gi', 'value pattern'));

  const text = (input: string): string => {
    let out = input;
    for (const re of valuePatterns) {
      out = out.replace(re, REDACTED);
    }
    if (settings.redactCardNumbers) {
      out = out.replace(CARD_CANDIDATE, (match) => (passesLuhn(match.replace(/[ -]/g, '')) ? REDACTED : match));
    }
    return out;
  };

  const scrub = (value: AttributeValue): AttributeValue => {
    if (typeof value === 'string') {
      return text(value);
    }
    if (typeof value === 'number' && settings.redactCardNumbers && Number.isSafeInteger(value)) {
      return text(String(value)) === REDACTED ? REDACTED : value;
    }
    if (Array.isArray(value)) {
      return value.map(scrub);
    }
    if (value !== null && typeof value === 'object') {
      return attributes(value as Record<string, AttributeValue>);
    }
    return value;
  };

  const valueFor = (key: string, value: AttributeValue): AttributeValue => {
    if (allow.has(key)) {
      return value;
    }
    if (secretKeys.some((re) => re.test(key))) {
      return REDACTED;
    }
    return scrub(value);
  };

  const attributes = (input: Readonly<Record<string, AttributeValue>>): Record<string, AttributeValue> => {
    const out: Record<string, AttributeValue> = {};
    for (const [key, value] of Object.entries(input)) {
      out[key] = valueFor(key, value);
    }
    return out;
  };

  return { value: valueFor, attributes, text };
}
