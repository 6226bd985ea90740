import { describe, expect, it } from 'vitest';
import { AppClock, formatElapsed, formatMinutesLeft, formatSpan } from './time';

describe('formatMinutesLeft', () => {
  it('rounds up to whole minutes', () => {
    expect(formatMinutesLeft(139_000)).toBe('3 min');
    expect(formatMinutesLeft(120_000)).toBe('2 min');
    expect(formatMinutesLeft(59_000)).toBe('1 min');
    expect(formatMinutesLeft(1)).toBe('1 min');
    expect(formatMinutesLeft(0)).toBe('0 min');
    expect(formatMinutesLeft(-5)).toBe('0 min');
  });
});

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
