import { describe, expect, it } from 'vitest';
import { splitSnippet } from './highlight';
import { amendmentsBySeq, chartData, dayEnd, dayStart, filterTimeline, minutesLabel, nearestItem } from './review';
import { amendment, item, manyItems, note } from './review-fixtures';

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
  it('filters the timeline by kind', () => {
    const items = manyItems(8);
    expect(filterTimeline(items, new Set())).toBe(items);
    const notes = filterTimeline(items, new Set(['vitals', 'tag', 'music']));
    expect(notes.map((i) => i.entry.seq)).toEqual([4, 8]);
  });

  it('groups amendments under the entry they amend, oldest first', () => {
    const map = amendmentsBySeq([amendment(9, 3, 'b', 'r2'), amendment(7, 3, 'a', 'r1'), amendment(8, 5, 'c', 'r3')]);
    expect(map.get(3)?.map((a) => a.correction)).toEqual(['a', 'b']);
    expect(map.get(5)?.length).toBe(1);
    expect(map.has(4)).toBe(false);
  });

  it('puts vitals and markers on one axis in minutes from the first dose', () => {
    const items = [
      item(1, note('before'), 0),
      ...manyItems(4).map((it, i) => ({ ...it, entry: { ...it.entry, seq: 10 + i } })),
    ];
    const origin = '2026-01-15T09:10:00Z';
    const d = chartData(items, origin);
    expect(d.x.length).toBe(1);
    expect(d.systolic[0]).toBe(121);
    expect(d.markers.map((m) => m.kind)).toEqual(['tag', 'music']);
    expect(nearestItem(d, d.x[0], 1)?.entry.body.kind).toBe('vitals');
    expect(nearestItem(d, 500, 1)).toBeNull();
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
