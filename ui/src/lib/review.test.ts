import { describe, expect, it } from 'vitest';
import { splitSnippet } from './highlight';
import type { ChartData } from './bindings/ChartData';
import { amendmentsBySeq, chartSeries, dayEnd, dayStart, minutesLabel, nearestEntry, orderedKinds } from './review';
import { amendment } from './review-fixtures';

describe('splitSnippet', () => {
  it('splits at the U+0002 / U+0003 markers', () => {
    expect(splitSnippet('felt \u0002calm\u0003 and \u0002calmer\u0003.')).toEqual([
      { text: 'felt ', match: false },
      { text: 'calm', match: true },
      { text: ' and ', match: false },
      { text: 'calmer', match: true },
      { text: '.', match: false },
    ]);
  });

  it('keeps markup as plain text and survives stray or unclosed markers', () => {
    expect(splitSnippet('<b>\u0002x\u0003</b>')).toEqual([
      { text: '<b>', match: false },
      { text: 'x', match: true },
      { text: '</b>', match: false },
    ]);
    expect(splitSnippet('a\u0003b\u0002c')).toEqual([
      { text: 'a', match: false },
      { text: 'b', match: false },
      { text: 'c', match: true },
    ]);
  });
});

describe('review helpers', () => {
  it('orders the kinds for the filter, unknown ones last', () => {
    const kinds = orderedKinds([
      { kind: 'music', count: 3 },
      { kind: 'something_new', count: 1 },
      { kind: 'note', count: 5 },
    ]);
    expect(kinds).toEqual([
      { kind: 'note', label: 'Notes', count: 5 },
      { kind: 'music', label: 'Music', count: 3 },
      { kind: 'something_new', label: 'something_new', count: 1 },
    ]);
  });

  it('groups amendments under the entry they amend, oldest first', () => {
    const map = amendmentsBySeq([amendment(9, 3, 'b', 'r2'), amendment(7, 3, 'a', 'r1'), amendment(8, 5, 'c', 'r3')]);
    expect(map.get(3)?.map((a) => a.correction)).toEqual(['a', 'b']);
    expect(map.get(5)?.length).toBe(1);
    expect(map.has(4)).toBe(false);
  });

  it('gives uPlot one column per series and finds the entry nearest the pointer', () => {
    const chart: ChartData = {
      vitals: {
        seq: [5, 9],
        minutes: [2, 40],
        systolic: [150, null],
        diastolic: [90, null],
        heart_rate: [80, null],
        spo2: [null, 97],
      },
      markers: [{ seq: 3, minutes: 0, kind: 'dose', label: 'dose' }],
    };
    expect(chartSeries(chart)).toEqual([[2, 40], [150, null], [90, null], [80, null], [null, 97]]);
    expect(nearestEntry(chart, 0.4, 1)).toEqual({ seq: 3, minutes: 0, label: 'dose' });
    expect(nearestEntry(chart, 39, 2)).toEqual({ seq: 9, minutes: 40, label: null });
    expect(nearestEntry(chart, 500, 1)).toBeNull();
    expect(minutesLabel(-5)).toBe('T-00:05');
    expect(minutesLabel(95)).toBe('T+01:35');
  });

  it('turns date inputs into an inclusive local-day range', () => {
    const from = dayStart('2026-01-15');
    const to = dayEnd('2026-01-15');
    expect(from && to && Date.parse(to) - Date.parse(from)).toBe(24 * 3600_000);
    expect(dayStart('')).toBeNull();
    expect(dayStart('15/01/2026')).toBeNull();
  });
});
