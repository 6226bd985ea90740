// The live screen while the screen is locked: the room's status and the music, nothing that
// identifies the client; the session's own state goes on underneath.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import { createRawSnippet } from 'svelte';
import Live from './Live.svelte';
import { EVENTS } from '../lib/bindings/events';
import { monitorView, musicState, musicStatus, sessionView, START } from '../lib/live-fixtures';

let calls: { cmd: string; args: unknown }[] = [];
const unlock = createRawSnippet(() => ({ render: () => '<p data-testid="unlock-stub">Unlock here</p>' }));
const FLAG = {
  seq: 3,
  flag: { id: 'r1:flag', reading_id: 'r1', crossings: [], rule_text: 'Systolic 185 is at or above 180', source: 'protocol' },
  ack_seq: null,
  action_taken: '',
};

beforeEach(() => {
  vi.useFakeTimers({ now: START, toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  calls = [];
  mockIPC(
    (cmd, args) => {
      calls.push({ cmd, args });
      switch (cmd) {
        case 'monitor':
          return monitorView('due', START - 1000, [FLAG]);
        case 'music_state':
          return musicState(musicStatus({ state: 'playing' }));
        case 'protocol_details':
          return { template: { name: 'IM', min_observation_min: 120 }, quick_tags: [], pre_dose: [], during: [], discharge: [] };
        case 'pending_writes':
          return [];
        default:
          return null;
      }
    },
    { shouldMockEvents: true },
  );
});

afterEach(() => {
  cleanup();
  clearMocks();
  vi.useRealTimers();
});

async function settle() {
  for (let i = 0; i < 10; i++) await vi.advanceTimersByTimeAsync(0);
}

const commands = () => calls.map((c) => c.cmd).filter((c) => !c.startsWith('plugin:event|'));

function secretView() {
  const v = sessionView({ client_code: 'K-SECRET-42', intention: 'to grieve my father' });
  v.entries = [
    {
      id: 1,
      session_id: 7,
      seq: 1,
      at: new Date(START - 30_000).toISOString(),
      recorded_at: new Date(START - 30_000).toISOString(),
      author: 'Dr Rowe',
      text: 'client spoke of the lake house',
      body: { kind: 'note', text: 'client spoke of the lake house', theme: false },
    } as never,
  ];
  return v;
}

describe('Live screen, locked', () => {
  it('shows the timer, the due check, the music and a flag without values; nothing of the client', async () => {
    const { container, getByTestId, rerender } = render(Live, { view: secretView(), onEnded: () => {}, unlock });
    await settle();
    expect(container.textContent).toContain('K-SECRET-42');
    await rerender({ view: secretView(), onEnded: () => {}, unlock, locked: true });
    await settle();
    const text = container.textContent ?? '';
    for (const secret of ['K-SECRET-42', 'grieve', 'lake house', 'Systolic', '185', 'Dr Rowe', 'First Light'])
      expect(text, `"${secret}" on the locked screen`).not.toContain(secret);
    expect(getByTestId('lock-screen').dataset.inSession).toBe('true');
    const before = Number(getByTestId('elapsed').textContent?.slice(-2));
    expect(getByTestId('checkpoint').dataset.status).toBe('due');
    expect(getByTestId('lock-flag').textContent).toContain('A flag needs attention');
    expect(getByTestId('lock-music-state').textContent).toBe('Music playing');
    expect(getByTestId('unlock-stub')).toBeTruthy();

    // The timer goes on, and a check that falls due while locked shows.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(Number(getByTestId('elapsed').textContent?.slice(-2)) - before).toBeGreaterThanOrEqual(4);
    await emit(EVENTS.monitorChanged, { session_id: 7, view: monitorView('upcoming', START + 15 * 60_000, []) });
    await settle();
    expect(container.querySelector('[data-testid="lock-flag"]')).toBeNull();
    expect(getByTestId('next-checkpoint').textContent).toContain('Vitals');
  });

  it('takes the music keys (Alt M, Alt S, Alt .) and no other', async () => {
    const { rerender } = render(Live, { view: secretView(), onEnded: () => {}, unlock });
    await settle();
    await rerender({ view: secretView(), onEnded: () => {}, unlock, locked: true });
    await settle();
    calls = [];
    const press = (key: string, code: string) =>
      window.dispatchEvent(new KeyboardEvent('keydown', { key, code, altKey: true, bubbles: true }));
    press('d', 'KeyD');
    press('v', 'KeyV');
    press('m', 'KeyM');
    press('s', 'KeyS');
    press('.', 'Period');
    await settle();
    expect(commands()).toEqual(['music_control', 'music_control', 'music_control']);
    expect(calls.map((c) => (c.args as { control: { kind: string } }).control.kind)).toEqual(['toggle', 'fade_to_silence', 'next']);
  });

  it('gives the note box back after unlocking, with what was typed still in it', async () => {
    const { getByTestId, rerender } = render(Live, { view: secretView(), onEnded: () => {}, unlock });
    await settle();
    const box = getByTestId('note-input') as HTMLTextAreaElement;
    box.value = 'half a thought';
    box.dispatchEvent(new Event('input', { bubbles: true }));
    await rerender({ view: secretView(), onEnded: () => {}, unlock, locked: true });
    await settle();
    await rerender({ view: secretView(), onEnded: () => {}, unlock, locked: false });
    await settle();
    const again = getByTestId('note-input') as HTMLTextAreaElement;
    expect(again.value).toBe('half a thought');
    expect(document.activeElement).toBe(again);
  });
});
