// Review timeline render time for a 10,000-entry session, in jsdom (a browser is faster):
// `npm run bench`. A measurement, not a test.
import { bench, describe } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import Timeline from '../src/components/review/Timeline.svelte';
import { manyItems } from '../src/lib/review-fixtures';

const items = manyItems(10_000);

describe('review timeline, 10,000 entries', () => {
  bench(
    'first render (jsdom)',
    () => {
      render(Timeline, { items });
      cleanup();
    },
    { iterations: 20 },
  );
});
