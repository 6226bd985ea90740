import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { tick } from 'svelte';
import Timeline from './Timeline.svelte';
import type { TimelineItem } from '../../lib/bindings/TimelineItem';
import type { TimelinePage } from '../../lib/bindings/TimelinePage';
import type { TimelineQuery } from '../../lib/bindings/TimelineQuery';
import { CHUNK, FIRST_PAINT } from '../../lib/review';
import { amendment, item, manyItems, note } from '../../lib/review-fixtures';

afterEach(() => {
  cleanup();
  clearMocks();
});

const rows = (c: HTMLElement) => c.querySelectorAll('[data-testid="timeline-entry"]');

/** The backend's paging over `items`, as get_timeline_page does it over the store. */
function page(items: TimelineItem[], q: TimelineQuery): TimelinePage {
  let hidden = q.hidden;
  const shownOf = (h: string[]) => items.filter((it) => !h.includes(it.entry.body.kind));
  let shown = shownOf(hidden);
  let offset = q.offset;
  if (q.around_seq !== null) {
    let at = shown.findIndex((it) => it.entry.seq === q.around_seq);
    if (at < 0) {
      hidden = [];
      shown = items;
      at = items.findIndex((it) => it.entry.seq === q.around_seq);
    }
    if (at < 0) throw { kind: 'not_found', message: `entry ${q.around_seq} of session 1 was not found` };
    offset = Math.max(0, at - Math.floor(q.limit / 4));
  }
  return { items: shown.slice(offset, offset + q.limit), offset, shown: shown.length, total: items.length, hidden };
}

/** Renders the timeline the way the review screen does: the first page, the kinds, a backend. */
function renderTimeline(items: TimelineItem[], extra: Record<string, unknown> = {}) {
  const asked: TimelineQuery[] = [];
  mockIPC((cmd, args) => {
    if (cmd !== 'get_timeline_page') throw new Error(`unexpected ${cmd}`);
    const q = (args as { query: TimelineQuery }).query;
    asked.push(q);
    return page(items, q);
  });
  const counts = new Map<string, number>();
  for (const it of items) counts.set(it.entry.body.kind, (counts.get(it.entry.body.kind) ?? 0) + 1);
  const kinds = [...counts].map(([kind, count]) => ({ kind, count }));
  const first = page(items, { hidden: [], offset: 0, limit: CHUNK, around_seq: null });
  return { asked, ...render(Timeline, { sessionId: 1, first, kinds, ...extra }) };
}

describe('Timeline', () => {
  it('asks for the entries of the kinds shown and shows every kind again', async () => {
    const { container, getByTestId, asked } = renderTimeline(manyItems(12));
    await waitFor(() => expect(rows(container).length).toBe(12));
    await fireEvent.click(getByTestId('kind-vitals'));
    await fireEvent.click(getByTestId('kind-music'));
    await waitFor(() => expect(getByTestId('timeline-count').textContent).toContain('6 of 12 entries shown'));
    const kinds = [...rows(container)].map((r) => r.getAttribute('data-kind'));
    expect(kinds.length).toBe(6);
    expect(new Set(kinds)).toEqual(new Set(['note', 'tag']));
    expect(asked.at(-1)?.hidden.sort()).toEqual(['music', 'vitals']);
    await fireEvent.click(getByTestId('kind-all'));
    await waitFor(() => expect(rows(container).length).toBe(12));
    expect(getByTestId('timeline-filter').textContent).toContain('Vitals and ratings (3)');
  });

  it('keeps the original of an amended entry and shows who, when and why', () => {
    const items = [item(1, note('BP 180/90 at T+30')), item(2, note('calm'))];
    const { container } = renderTimeline(items, {
      amendments: [amendment(3, 1, 'BP 148/90 at T+30', 'typo in the systolic value')],
    });
    const first = container.querySelector('[data-seq="1"]') as HTMLElement;
    expect(first.querySelector('[data-testid="entry-text"]')?.textContent).toBe('BP 180/90 at T+30');
    expect(first.querySelector('[data-testid="amended-badge"]')).not.toBeNull();
    const a = first.querySelector('[data-testid="entry-amendment"]')?.textContent ?? '';
    expect(a).toContain('BP 148/90 at T+30');
    expect(a).toContain('typo in the systolic value');
    expect(a).toContain('Dr Rowe');
    expect(container.querySelector('[data-seq="2"] [data-testid="amended-badge"]')).toBeNull();
  });

  it('offers Amend only when amending is allowed', () => {
    const items = [item(1, note('x')), item(2, { kind: 'signed', statement: '' })];
    const closed = renderTimeline(items, { canAmend: false });
    expect(closed.container.querySelector('[data-testid="amend-1"]')).toBeNull();
    closed.unmount();
    const open = renderTimeline(items, { canAmend: true });
    expect(open.container.querySelector('[data-testid="amend-1"]')).not.toBeNull();
    expect(open.container.querySelector('[data-testid="amend-2"]')).toBeNull();
  });

  it('opens a 10,000-entry session with its first page and reaches any entry', async () => {
    const items = manyItems(10_000);
    const started = performance.now();
    const { container, getByTestId, component, asked } = renderTimeline(items);
    const ms = performance.now() - started;
    console.info(`Timeline: 10,000 entries, first page rendered in ${ms.toFixed(1)} ms (jsdom)`);
    // A screenful first, the rest of the first page one frame later, without asking again.
    expect(rows(container).length).toBe(FIRST_PAINT);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    await tick();
    expect(rows(container).length).toBe(CHUNK);
    expect(asked).toEqual([]);
    expect(getByTestId('timeline-count').textContent).toContain('10000 entries');
    await fireEvent.click(getByTestId('timeline-more'));
    await waitFor(() => expect(rows(container).length).toBe(2 * CHUNK));
    expect(asked.at(-1)).toMatchObject({ offset: CHUNK, limit: CHUNK });
    // Filtering counts all 10,000, not only what is loaded.
    await fireEvent.click(getByTestId('kind-vitals'));
    await waitFor(() => expect(getByTestId('timeline-count').textContent).toContain('7500 of 10000 entries shown'));
    // Scrolling to a hidden, far entry clears the filter and renders the page around it.
    expect(await component.scrollToSeq(9_501)).toBe(true);
    await tick();
    const target = container.querySelector('[data-seq="9501"]') as HTMLElement;
    expect(target).not.toBeNull();
    expect(document.activeElement).toBe(target);
    expect(target.classList.contains('focused')).toBe(true);
    expect((getByTestId('kind-vitals') as HTMLInputElement).checked).toBe(true);
    expect(rows(container).length).toBe(CHUNK);
    expect(getByTestId('timeline-earlier').textContent).toContain('before these');
    // And back towards the start, a page at a time.
    const before = Number(container.querySelector('[data-testid="timeline-entry"]')?.getAttribute('data-seq'));
    await fireEvent.click(getByTestId('timeline-earlier'));
    await waitFor(() => expect(rows(container).length).toBe(2 * CHUNK));
    expect(Number(rows(container)[0].getAttribute('data-seq'))).toBe(before - CHUNK);
  });

  it('says so when a page cannot be read, and keeps what is shown', async () => {
    const items = manyItems(300);
    const { container, getByTestId, findByTestId } = renderTimeline(items);
    mockIPC(() => {
      throw { kind: 'storage', message: 'database is locked' };
    });
    await new Promise((resolve) => requestAnimationFrame(resolve));
    await tick();
    await fireEvent.click(getByTestId('timeline-more'));
    expect((await findByTestId('timeline-error')).textContent).toContain('database is locked');
    expect(rows(container).length).toBe(CHUNK);
  });
});
