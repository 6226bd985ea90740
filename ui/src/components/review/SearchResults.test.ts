import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import SearchResults from './SearchResults.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

describe('SearchResults', () => {
  it('highlights matches as <mark> and keeps HTML in notes as text', async () => {
    let asked: unknown;
    mockIPC((cmd, args) => {
      asked = { cmd, args };
      return [
        {
          session_id: 4,
          client_code: 'K-042',
          seq: 17,
          at: '2026-01-15T09:40:00Z',
          elapsed_ms: 1_800_000,
          kind: 'note',
          demo: false,
          snippet: '<img src=x onerror="alert(1)"> felt \u0002calm\u0003 <b>now</b>',
        },
      ];
    });
    const onOpen = vi.fn();
    const { getByTestId, container } = render(SearchResults, { onOpen });
    await fireEvent.input(getByTestId('search-query'), { target: { value: 'calm' } });
    await fireEvent.click(getByTestId('search-button'));
    await waitFor(() => expect(container.querySelector('[data-testid="search-hit"]')).not.toBeNull());
    expect(asked).toEqual({ cmd: 'search_entries', args: { query: 'calm', includeDemo: false } });
    const snippet = getByTestId('snippet');
    expect([...snippet.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['calm']);
    expect(snippet.querySelector('img')).toBeNull();
    expect(snippet.querySelector('b')).toBeNull();
    expect(snippet.textContent).toBe('<img src=x onerror="alert(1)"> felt calm <b>now</b>');
    await fireEvent.click(getByTestId('search-hit'));
    expect(onOpen).toHaveBeenCalledWith(4, 17);
  });

  it('asks for demo sessions only when ticked, and labels their hits DEMO', async () => {
    const asked: unknown[] = [];
    mockIPC((_cmd, args) => {
      asked.push((args as { includeDemo: boolean }).includeDemo);
      return [{ session_id: 9, client_code: 'DEMO-1', seq: 3, at: '2026-01-15T09:40:00Z', elapsed_ms: null, kind: 'note', demo: true, snippet: '\u0002calm\u0003' }];
    });
    const { getByTestId, findByTestId } = render(SearchResults, { onOpen: () => {} });
    await fireEvent.input(getByTestId('search-query'), { target: { value: 'calm' } });
    await fireEvent.click(getByTestId('search-include-demo'));
    await fireEvent.click(getByTestId('search-button'));
    expect((await findByTestId('demo-label')).textContent).toContain('DEMO');
    expect(asked).toEqual([true]);
  });

  it('says when nothing matched', async () => {
    mockIPC(() => []);
    const { getByTestId, findByTestId } = render(SearchResults, { onOpen: () => {} });
    await fireEvent.input(getByTestId('search-query'), { target: { value: 'zebra' } });
    await fireEvent.click(getByTestId('search-button'));
    expect((await findByTestId('search-empty')).textContent).toContain('zebra');
  });
});
