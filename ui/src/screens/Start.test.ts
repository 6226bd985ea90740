import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Start from './Start.svelte';
import type { SessionSummary } from '../lib/bindings/SessionSummary';

afterEach(() => {
  cleanup();
  clearMocks();
});

function summary(id: number): SessionSummary {
  return {
    id,
    created_at: new Date(Date.UTC(2026, 0, id, 9)).toISOString(),
    client_code: `K-${id}`,
    protocol: 'im-ketamine',
    route: 'intramuscular',
    state: 'ended',
    first_dose_at: null,
    ended_at: null,
    demo: false,
  };
}

/** list_sessions answers with `n` sessions, newest first, once `release` is called. */
function backendWith(n: number) {
  let release = () => {};
  const ready = new Promise<void>((resolve) => (release = resolve));
  mockIPC(async (cmd) => {
    if (cmd === 'list_protocols') return [];
    if (cmd === 'list_sessions') {
      await ready;
      return Array.from({ length: n }, (_, i) => summary(n - i));
    }
    throw new Error(`unexpected ${cmd}`);
  });
  return release;
}

describe('Start', () => {
  it('says it is reading the sessions, never that there are none, until they arrive', async () => {
    const release = backendWith(0);
    const { container } = render(Start, { onStarted: () => {} });
    expect(container.textContent).toContain('Reading the sessions');
    expect(container.textContent).not.toContain('No sessions recorded yet');
    release();
    await waitFor(() => expect(container.textContent).toContain('No sessions recorded yet'));
  });

  it('lists the latest five and points to the rest', async () => {
    const release = backendWith(8);
    const { getByTestId } = render(Start, { onStarted: () => {} });
    release();
    await waitFor(() => expect(getByTestId('sessions-table').querySelectorAll('tbody tr').length).toBe(5));
    const table = getByTestId('sessions-table').textContent ?? '';
    expect(table).toContain('K-8');
    expect(table).not.toContain('K-3');
    expect(getByTestId('sessions-older').textContent).toContain('3 earlier sessions');
  });

  it('shows the signed-in user as the therapist, read-only, and labels demo rows', async () => {
    let release = () => {};
    const ready = new Promise<void>((resolve) => (release = resolve));
    mockIPC(async (cmd) => {
      if (cmd === 'list_protocols') return [];
      if (cmd === 'list_sessions') {
        await ready;
        return [{ ...summary(2), client_code: 'DEMO-1', demo: true }, summary(1)];
      }
      throw new Error(`unexpected ${cmd}`);
    });
    const { getByTestId } = render(Start, { therapist: 'Dr Rowe', onStarted: () => {} });
    expect((getByTestId('therapist') as HTMLInputElement).value).toBe('Dr Rowe');
    expect((getByTestId('therapist') as HTMLInputElement).readOnly).toBe(true);
    release();
    await waitFor(() => expect(getByTestId('sessions-table').querySelectorAll('tbody tr').length).toBe(2));
    const rows = [...getByTestId('sessions-table').querySelectorAll('tbody tr')];
    expect(rows.map((r) => r.querySelector('[data-testid="demo-label"]') !== null)).toEqual([true, false]);
    expect(rows[0].querySelector('time')?.getAttribute('datetime')).toBe(summary(2).created_at);
  });
});
