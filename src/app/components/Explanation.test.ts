import { explanationParts } from './Explanation';

describe('explanationParts', () => {
  it('separates the quoted span labels from the prose', () => {
    expect(explanationParts('`payments pool.acquire` holds 91% of the trace')).toEqual([
      { text: 'payments pool.acquire', quoted: true },
      { text: ' holds 91% of the trace', quoted: false },
    ]);
  });
});
