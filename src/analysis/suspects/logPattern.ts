/**
 * A log line's pattern: its message with the values masked, so that "Order 4e3e2a8b-… not found" and "Order
 * 9f1c… not found" are one pattern. A pattern that appears only in the incident's range, or far more often than
 * before it, is what a responder greps for first (and the key signal of log-based root-cause methods such as
 * Nezha's); counting patterns rather than lines keeps one noisy request from outweighing many.
 */

/** Where a message is cut into tokens: whitespace and the punctuation that surrounds values in log messages. */
const TOKEN = /[^\s[\](){}<>,;:"'=#|]+/g;
const DIGIT = /\d/;
/** Longer patterns are cut: a dump of an object adds values, not meaning. */
export const MAX_PATTERN_CHARS = 160;
const MASK = '<*>';

/**
 * The message with every token that holds a digit — ids, numbers, dates, hashes, tokens — replaced by `<*>`, runs of
 * masks joined, whitespace collapsed, and cut at `MAX_PATTERN_CHARS`. A token is cut at punctuation, so a logger's
 * `Class#532` keeps its class.
 */
export function logPatternOf(message: string): string {
  const masked = message
    .replace(TOKEN, (token) => (DIGIT.test(token) ? MASK : token))
    .replace(/<\*>(?:[\s\-./:]*<\*>)+/g, MASK)
    .replace(/\s+/g, ' ')
    .trim();
  return masked.length > MAX_PATTERN_CHARS ? masked.slice(0, MAX_PATTERN_CHARS) : masked;
}
