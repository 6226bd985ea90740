import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import Settings from './Settings.svelte';
import type { AppInfo } from '../lib/bindings/AppInfo';
import type { PlaylistDetails } from '../lib/bindings/PlaylistDetails';

afterEach(() => {
  cleanup();
  clearMocks();
});

const info: AppInfo = {
  version: '0.1.0',
  data_dir: '/data',
  db_path: '/data/holdspace.sqlite3',
  startup_error: null,
  config_problems: [],
  space_warning: null,
  test_build: false,
  preferences: { appearance: { theme: 'system', dim_level: 'standard' }, therapist: null, lock_after_min: null, backup: { folder: null, keep_days: null, keep_months: null }, first_run_dismissed: false },
};

const musicState = (device: string | null = null, folder: string | null = '/music') => ({
  status: { device: { state: 'ok', name: 'Built-in Audio', message: null } },
  loaded: null,
  settings: { output_device: device, music_folder: folder, volume: 0.6 },
});

const DEMO = '/repo/playlists/demo/demo.toml';
const details: PlaylistDetails = {
  path: DEMO,
  playlist: {
    title: 'Demo',
    description: 'Calm pads',
    route: 'any',
    crossfade_seconds: 4,
    target_minutes: null,
    music_folder: 'audio',
    phases: [],
  },
  phases: [
    { name: 'settle', tracks: 1, seconds: 200 },
    { name: 'return', tracks: 1, seconds: 100 },
  ],
  total_seconds: 300,
  resolution: {
    title: 'Demo',
    crossfade_seconds: 4,
    music_root: '/repo/playlists/demo/audio',
    tracks: [
      { phase: 'settle', title: 'First Light', artist: 'Holdspace', duration_seconds: 200, recorded_path: 'a.wav', location: { kind: 'found', path: '/a.wav' } },
      { phase: 'return', title: 'Gone', artist: 'X', duration_seconds: 100, recorded_path: 'b.wav', location: { kind: 'missing' } },
    ],
    found: 1,
    moved: 0,
    missing: 1,
  },
  loudness: [{ path: '/a.wav', loudness: { integrated_lufs: -30, true_peak_dbtp: -20 }, gain_db: 7, error: null }, null],
  target_lufs: -23,
  max_true_peak_dbtp: -1,
};

function backendMock(calls: { cmd: string; args: unknown }[], overrides: Record<string, (args: any) => unknown> = {}) {
  mockIPC(
    (cmd, args) => {
      calls.push({ cmd, args });
      if (overrides[cmd]) return overrides[cmd](args);
      switch (cmd) {
        case 'music_state':
          return musicState();
        case 'output_devices':
          return ['Built-in Audio', 'USB DAC'];
        case 'list_playlists':
          return [{ path: DEMO, title: 'Demo', description: '', route: 'any', tracks: 2, total_seconds: 300, phases: ['settle', 'return'] }];
        case 'library_protocols':
          return {
            templates: [],
            protocols_dir: '/data/protocols',
            quick_tags_file: '/data/quick_tags.toml',
            config_problems: ['/data/protocols/x.toml:3: unknown field `bp`'],
          };
        case 'playlist_details':
          return details;
        case 'analyse_loudness':
          return 1;
        case 'cancel_loudness':
          return true;
        default:
          return null;
      }
    },
    { shouldMockEvents: true },
  );
}

describe('Settings', () => {
  it('lists devices with the system default, remembers a choice, and shows the device status', async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    backendMock(calls, { set_output_device: (a) => musicState(a.device) });
    const { getByTestId, findByText } = render(Settings, { info, onBack: () => {} });
    await findByText('USB DAC');
    const select = getByTestId('device-select') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['System default', 'Built-in Audio', 'USB DAC']);
    expect(getByTestId('device-status').textContent).toContain('ok · Built-in Audio');
    select.value = 'USB DAC';
    await fireEvent.change(select);
    await waitFor(() => expect(calls.some((c) => c.cmd === 'set_output_device')).toBe(true));
    expect(calls.find((c) => c.cmd === 'set_output_device')?.args).toEqual({ device: 'USB DAC' });
  });

  it('validates the music folder and shows the backend refusal', async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    backendMock(calls, {
      set_music_folder: () => {
        throw { kind: 'invalid', message: 'music folder: /nope is not a folder' };
      },
    });
    const { getByTestId, findByTestId } = render(Settings, { info, onBack: () => {} });
    await waitFor(() => expect((getByTestId('music-folder') as HTMLInputElement).value).toBe('/music'));
    await fireEvent.input(getByTestId('music-folder'), { target: { value: 'relative/path' } });
    await fireEvent.click(getByTestId('music-folder-save'));
    expect((await findByTestId('music-folder-error')).textContent).toContain('full path');
    expect(calls.some((c) => c.cmd === 'set_music_folder')).toBe(false);
    await fireEvent.input(getByTestId('music-folder'), { target: { value: '/nope' } });
    await fireEvent.click(getByTestId('music-folder-save'));
    await waitFor(() => expect(getByTestId('music-folder-error').textContent).toContain('/nope is not a folder'));
  });

  it('shows a playlist with phases, resolution per track and loudness, and runs analysis with progress and cancel', async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    backendMock(calls);
    const { getByTestId, findAllByTestId, findByTestId, getAllByTestId } = render(Settings, { info, onBack: () => {} });
    const items = await findAllByTestId('playlist-item');
    await fireEvent.click(items[0]);
    await findByTestId('playlist-details');
    expect(getByTestId('playlist-total').textContent).toBe('5:00');
    expect(getByTestId('playlist-resolution').textContent).toContain('1 found · 0 moved · 1 missing');
    const rows = getAllByTestId('track-row');
    expect(rows.map((r) => r.dataset.location)).toEqual(['found', 'missing']);
    expect(rows[0].textContent).toContain('-30.0');
    expect(rows[0].textContent).toContain('+7.0 dB');
    expect(rows[1].textContent).toContain('missing');

    await fireEvent.click(getByTestId('loudness-analyse'));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'analyse_loudness')).toBe(true));
    expect(calls.find((c) => c.cmd === 'analyse_loudness')?.args).toEqual({ path: DEMO });
    await emit('loudness-progress', { playlist: DEMO, done: 0, total: 1, fraction: 0.5 });
    await waitFor(() => expect((getByTestId('loudness-progress') as HTMLProgressElement).value).toBe(0.5));
    await fireEvent.click(getByTestId('loudness-cancel'));
    await waitFor(() => expect(calls.some((c) => c.cmd === 'cancel_loudness')).toBe(true));
    await emit('loudness-finished', {
      playlist: DEMO,
      cancelled: true,
      tracks: [{ path: '/a.wav', loudness: null, gain_db: null, error: 'analysis cancelled' }],
    });
    await waitFor(() => expect(getByTestId('loudness-status').textContent).toContain('cancelled'));
  });

  it('imports an M3U and shows each problem as file:line: message', async () => {
    const calls: { cmd: string; args: unknown }[] = [];
    backendMock(calls, {
      import_m3u: (a) => {
        if (a.path === '/lists/radio.m3u')
          throw { kind: 'invalid', message: '/lists/radio.m3u:3: unsupported URL https://x\n/lists/radio.m3u:4: unsupported URL http://y' };
        return { saved_path: '/data/playlists/evening.toml', title: 'Evening', tracks: 9 };
      },
    });
    const { getByTestId, findByTestId } = render(Settings, { info, onBack: () => {} });
    await fireEvent.input(getByTestId('import-path'), { target: { value: '/lists/radio.m3u' } });
    await fireEvent.click(getByTestId('import-m3u'));
    const problems = await findByTestId('import-problems');
    expect([...problems.querySelectorAll('li')].map((l) => l.textContent)).toEqual([
      '/lists/radio.m3u:3: unsupported URL https://x',
      '/lists/radio.m3u:4: unsupported URL http://y',
    ]);
    await fireEvent.input(getByTestId('import-path'), { target: { value: '/lists/evening.m3u8' } });
    await fireEvent.click(getByTestId('import-m3u'));
    await waitFor(() => expect(getByTestId('import-status').textContent).toContain('/data/playlists/evening.toml'));
    expect(calls.find((c) => c.cmd === 'import_m3u' && (c.args as { path: string }).path === '/lists/evening.m3u8')?.args).toEqual({
      path: '/lists/evening.m3u8',
      title: null,
    });
  });

  it('shows the clinic file problems and where templates go', async () => {
    backendMock([]);
    const { findByTestId, getByText } = render(Settings, { info, onBack: () => {} });
    expect((await findByTestId('config-problems')).textContent).toContain('/data/protocols/x.toml:3: unknown field');
    expect(getByText('/data/protocols')).toBeTruthy();
  });
});
