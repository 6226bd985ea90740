import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import FirstRun from './FirstRun.svelte';
import type { SessionSummary } from '../lib/bindings/SessionSummary';

afterEach(() => {
  cleanup();
  clearMocks();
});

type World = {
  dismissed?: boolean;
  backupFolder?: string | null;
  musicFolder?: string | null;
  loaded?: boolean;
  device?: 'ok' | 'lost' | 'unavailable' | 'opening';
  users?: number;
};

/** A backend in the given state; records the commands that change something. */
function backendIn(w: World) {
  const calls: [string, unknown][] = [];
  mockIPC((cmd, args) => {
    switch (cmd) {
      case 'app_info':
        return {
          version: '0',
          data_dir: '/home/rowe/.local/share/holdspace',
          db_path: '',
          startup_error: null,
          config_problems: [],
          space_warning: null,
          test_build: false,
          preferences: {
            appearance: { theme: 'system', dim_level: 'standard' },
            therapist: null,
            lock_after_min: null,
            backup: { folder: null, keep_days: null, keep_months: null },
            first_run_dismissed: w.dismissed ?? false,
          },
        };
      case 'backup_status':
        return { status: { folder: w.backupFolder ?? null, reachable: true, last_good_at: null, warning: null }, keep_days: 14, keep_months: 12, last_attempt: null, backups: [] };
      case 'music_state':
        return {
          status: { device: { state: w.device ?? 'lost', name: w.device === 'ok' ? 'Speakers' : null, message: w.device === 'ok' ? null : 'The sound device was lost.', detail: null, standby: false } },
          loaded: w.loaded ? { path: '/p/demo.toml', playlist: {}, resolution: { title: 'Demo' } } : null,
          settings: { output_device: null, music_folder: w.musicFolder ?? null, volume: 0.5 },
        };
      case 'list_users':
        return Array.from({ length: w.users ?? 1 }, (_, i) => ({ id: i + 1, name: `U${i}`, role: 'therapist', created_at: '', active: true, has_pin: false }));
      case 'add_demo_session':
        calls.push([cmd, args]);
        return 7;
      case 'set_first_run_dismissed':
        calls.push([cmd, args]);
        return { first_run_dismissed: (args as { dismissed: boolean }).dismissed };
    }
    throw new Error(`unexpected ${cmd}`);
  });
  return calls;
}

const demo: SessionSummary = {
  id: 7,
  created_at: '2026-01-01T09:00:00Z',
  client_code: 'DEMO-1',
  protocol: 'im-ketamine',
  route: 'intramuscular',
  state: 'ended',
  first_dose_at: null,
  ended_at: null,
  demo: true,
};

describe('FirstRun', () => {
  it('marks each line done or not from the real state and names the data folder', async () => {
    backendIn({ musicFolder: '/home/rowe/Music', device: 'lost', users: 1 });
    const { getByTestId } = render(FirstRun, { sessions: [] });
    await waitFor(() => getByTestId('first-run'));
    expect(getByTestId('first-run-data-dir').textContent).toBe('/home/rowe/.local/share/holdspace');
    const done = (id: string) => getByTestId(`first-run-${id}`).dataset.done;
    expect(['backup', 'music-folder', 'playlist', 'demo', 'sound', 'users'].map(done)).toEqual([
      'false',
      'true',
      'false',
      'false',
      'false',
      'false',
    ]);
    expect(getByTestId('first-run-music-folder').textContent).toContain('/home/rowe/Music');
    expect(getByTestId('first-run-sound').textContent).toContain('The sound device was lost.');
    expect(getByTestId('first-run').textContent).toContain('5 of 6 still to do');
  });

  it('adds a demo session and tells the start screen, which ticks the line', async () => {
    const calls = backendIn({});
    let added = 0;
    const { getByTestId, rerender } = render(FirstRun, { sessions: [], onDemoAdded: () => added++ });
    await waitFor(() => getByTestId('first-run-add-demo'));
    await fireEvent.click(getByTestId('first-run-add-demo'));
    await waitFor(() => expect(added).toBe(1));
    expect(calls).toEqual([['add_demo_session', {}]]);
    await rerender({ sessions: [demo] });
    expect(getByTestId('first-run-demo').dataset.done).toBe('true');
  });

  it('hides for good when the therapist asks, remembered through the preferences', async () => {
    const calls = backendIn({});
    const { getByTestId, queryByTestId } = render(FirstRun, { sessions: [] });
    await waitFor(() => getByTestId('first-run-hide'));
    await fireEvent.click(getByTestId('first-run-hide'));
    await waitFor(() => expect(queryByTestId('first-run')).toBeNull());
    expect(calls).toEqual([['set_first_run_dismissed', { dismissed: true }]]);
  });

  it('is not shown once dismissed, nor when everything is done, which it remembers', async () => {
    backendIn({ dismissed: true });
    const first = render(FirstRun, { sessions: [] });
    await new Promise((r) => setTimeout(r, 20));
    expect(first.queryByTestId('first-run')).toBeNull();
    cleanup();
    clearMocks();
    const calls = backendIn({ backupFolder: '/media/usb', musicFolder: '/m', loaded: true, device: 'ok', users: 2 });
    const all = render(FirstRun, { sessions: [demo] });
    // All done is remembered, so a line that later reads not done does not bring it back.
    await waitFor(() => expect(calls).toEqual([['set_first_run_dismissed', { dismissed: true }]]));
    expect(all.queryByTestId('first-run')).toBeNull();
    cleanup();
    clearMocks();
    // The same state but one line open: the list is there, so the check above could fail.
    backendIn({ backupFolder: '/media/usb', musicFolder: '/m', loaded: true, device: 'ok', users: 2 });
    const one = render(FirstRun, { sessions: [] });
    await waitFor(() => expect(one.getByTestId('first-run').textContent).toContain('1 of 6 still to do'));
  });
});
