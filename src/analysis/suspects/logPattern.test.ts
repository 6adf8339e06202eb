import { describe, expect, it } from '@jest/globals';
import { MAX_PATTERN_CHARS, logPatternOf } from './logPattern';

describe('logPatternOf', () => {
  it('masks ids, numbers, dates and tokens, and keeps the words and a logger’s class', () => {
    expect(
      logPatternOf(
        'o.s.OrderServiceImpl#128 TraceID: 60e00fae6beb3623d59154fb13350d47 [getOrderById][Order not found][OrderId: 4e3e2a8b-9807-436b-9a91-b16e2550cb88]'
      )
    ).toBe('o.s.OrderServiceImpl#<*> TraceID: <*> [getOrderById][Order not found][OrderId: <*>]');
    expect(logPatternOf('train G1234 leaves 2023-01-29 15:38:06,  seat 3')).toBe('train <*> leaves <*>, seat <*>');
    expect(logPatternOf('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIi.sBC_x1 expired')).toBe('token <*> expired');
  });

  it('gives two lines that differ only in values one pattern', () => {
    expect(logPatternOf('Order 17 of user 9 not found')).toBe(logPatternOf('Order 4711 of user 12 not found'));
    expect(logPatternOf('Order 17 not found')).not.toBe(logPatternOf('Order 17 cancelled'));
  });

  it('cuts long messages', () => {
    expect(logPatternOf(`dump ${'field=value, '.repeat(40)}`)).toHaveLength(MAX_PATTERN_CHARS);
  });
});
