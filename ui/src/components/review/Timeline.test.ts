import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { tick } from 'svelte';
import Timeline from './Timeline.svelte';
import { CHUNK, FIRST_PAINT } from '../../lib/review';
import { amendment, item, manyItems, note } from '../../lib/review-fixtures';

afterEach(() => cleanup());

const rows = (c: HTMLElement) => c.querySelectorAll('[data-testid="timeline-entry"]');

describe('Timeline', () => {
  it('filters by kind and shows every kind again', async () => {
    const { container, getByTestId } = render(Timeline, { items: manyItems(12) });
    expect(rows(container).length).toBe(12);
    await fireEvent.click(getByTestId('kind-vitals'));
    await fireEvent.click(getByTestId('kind-music'));
    const kinds = [...rows(container)].map((r) => r.getAttribute('data-kind'));
    expect(kinds.length).toBe(6);
    expect(new Set(kinds)).toEqual(new Set(['note', 'tag']));
    expect(getByTestId('timeline-count').textContent).toContain('6 of 12 entries shown');
    await fireEvent.click(getByTestId('kind-all'));
    expect(rows(container).length).toBe(12);
  });

  it('keeps the original of an amended entry and shows who, when and why', () => {
    const items = [item(1, note('BP 180/90 at T+30')), item(2, note('calm'))];
    const { container } = render(Timeline, {
      items,
      amendments: [amendment(3, 1, 'BP 148/90 at T+30', 'typo in the systolic value')],
    });
    const first = container.querySelector('[data-seq="1"]') as HTMLElement;
    expect(first.querySelector('[data-testid="entry-text"]')?.textContent).toBe('Note: BP 180/90 at T+30');
    expect(first.querySelector('[data-testid="amended-badge"]')).not.toBeNull();
    const a = first.querySelector('[data-testid="entry-amendment"]')?.textContent ?? '';
    expect(a).toContain('BP 148/90 at T+30');
    expect(a).toContain('typo in the systolic value');
    expect(a).toContain('Dr Rowe');
    expect(container.querySelector('[data-seq="2"] [data-testid="amended-badge"]')).toBeNull();
  });

  it('offers Amend only when amending is allowed', () => {
    const items = [item(1, note('x')), item(2, { kind: 'signed', statement: '' })];
    const closed = render(Timeline, { items, canAmend: false });
    expect(closed.container.querySelector('[data-testid="amend-1"]')).toBeNull();
    closed.unmount();
    const open = render(Timeline, { items, canAmend: true });
    expect(open.container.querySelector('[data-testid="amend-1"]')).not.toBeNull();
    expect(open.container.querySelector('[data-testid="amend-2"]')).toBeNull();
  });

  it('renders a 10,000-entry session in chunks and reaches any entry', async () => {
    const items = manyItems(10_000);
    const started = performance.now();
    const { container, getByTestId, component } = render(Timeline, { items });
    const ms = performance.now() - started;
    console.info(`Timeline: 10,000 entries, first render in ${ms.toFixed(1)} ms (jsdom)`);
    // A screenful first, the rest of the first chunk one frame later.
    expect(rows(container).length).toBe(FIRST_PAINT);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    await tick();
    expect(rows(container).length).toBe(CHUNK);
    expect(getByTestId('timeline-count').textContent).toContain('10000 entries');
    await fireEvent.click(getByTestId('timeline-more'));
    expect(rows(container).length).toBe(2 * CHUNK);
    // Filtering covers all 10,000, not only what is rendered.
    await fireEvent.click(getByTestId('kind-vitals'));
    expect(getByTestId('timeline-count').textContent).toContain('7500 of 10000 entries shown');
    // Scrolling to a hidden, far entry clears the filter and renders it.
    expect(await component.scrollToSeq(9_501)).toBe(true);
    await tick();
    const target = container.querySelector('[data-seq="9501"]') as HTMLElement;
    expect(target).not.toBeNull();
    expect(document.activeElement).toBe(target);
    expect(target.classList.contains('focused')).toBe(true);
    // Only a window around it is rendered, with the way back to earlier entries.
    expect(rows(container).length).toBe(CHUNK);
    expect(getByTestId('timeline-earlier').textContent).toContain('before these');
  });
});
