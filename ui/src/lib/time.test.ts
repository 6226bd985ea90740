import { describe, expect, it } from 'vitest';
import { AppClock, formatElapsed, formatSpan } from './time';

describe('formatElapsed', () => {
  it('counts hours, minutes and seconds from the dose', () => {
    expect(formatElapsed(0)).toBe('T+00:00:00');
    expect(formatElapsed(3_725_999)).toBe('T+01:02:05');
    expect(formatElapsed(-61_000)).toBe('T-00:01:01');
  });
  it('formats a span without a sign', () => {
    expect(formatSpan(61_000)).toBe('00:01:01');
    expect(formatSpan(-5)).toBe('00:00:00');
  });
});

describe('AppClock', () => {
  it('follows the backend clock, including a clock moved forward in a test build', () => {
    const clock = new AppClock();
    clock.sync('2026-01-15T09:40:00.000Z', 1_000);
    expect(new Date(clock.now(2_000)).toISOString()).toBe('2026-01-15T09:40:01.000Z');
  });
});
