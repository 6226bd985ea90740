// Review timeline render time, in jsdom (a browser is faster): `npm run bench`. A
// measurement, not a test. The timeline renders the first page the backend sends, so a
// 10,000-entry session should cost about what a 200-entry one does: vitest prints the ratio.
import { bench, describe } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import Timeline from '../src/components/review/Timeline.svelte';
import type { TimelineItem } from '../src/lib/bindings/TimelineItem';
import { CHUNK } from '../src/lib/review';
import { manyItems } from '../src/lib/review-fixtures';

/** What get_review brings for a session of these entries: the first page and the counts. */
function props(items: TimelineItem[]) {
  const counts = new Map<string, number>();
  for (const it of items) counts.set(it.entry.body.kind, (counts.get(it.entry.body.kind) ?? 0) + 1);
  return {
    sessionId: 1,
    first: { items: items.slice(0, CHUNK), offset: 0, shown: items.length, total: items.length, hidden: [] },
    kinds: [...counts].map(([kind, count]) => ({ kind, count })),
  };
}

const short = props(manyItems(CHUNK));
const long = props(manyItems(10_000));

describe('review timeline, first render (jsdom)', () => {
  bench('200-entry session (baseline)', () => {
    render(Timeline, short);
    cleanup();
  }, { iterations: 20 });
  bench('10,000-entry session', () => {
    render(Timeline, long);
    cleanup();
  }, { iterations: 20 });
});
