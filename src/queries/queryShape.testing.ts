/**
 * Test helper: splits a query into its structure and its double-quoted string literals, the
 * way Go's scanner would, so tests can prove a value never leaks out of its literal.
 */
export interface QueryShape {
  /** The query with every string literal replaced by `"…"`. */
  readonly skeleton: string;
  /** Each literal's decoded value, in order. */
  readonly literals: readonly string[];
}

export function queryShape(query: string): QueryShape {
  let skeleton = '';
  const literals: string[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i];
    if (ch !== '"') {
      if (ch === '\n' || ch === '\r') {
        throw new Error(`raw line break outside a literal at ${i}`);
      }
      skeleton += ch;
      i++;
      continue;
    }
    let j = i + 1;
    for (; j < query.length && query[j] !== '"'; j++) {
      if (query[j] === '\n' || query[j] === '\r') {
        throw new Error(`raw line break inside a literal at ${j}`);
      }
      if (query[j] === '\\') {
        j++;
      }
    }
    if (j >= query.length) {
      throw new Error(`unterminated literal starting at ${i}`);
    }
    // Our escapes are the JSON subset of Go's, so JSON.parse decodes them exactly as Go would.
    literals.push(JSON.parse(query.slice(i, j + 1)) as string);
    skeleton += '"…"';
    i = j + 1;
  }
  return { skeleton, literals };
}
