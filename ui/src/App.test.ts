// The gate: first run with its recovery key, sign-in, and the lock (Alt+L, and the idle
// minutes counted on the app clock), through the real App with the IPC mocked.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { emit } from '@tauri-apps/api/event';
import App from './App.svelte';
import type { AccessStatus, User } from './lib/access';
import { musicState } from './lib/live-fixtures';

afterEach(() => {
  cleanup();
  clearMocks();
  localStorage.clear();
});

const NOW = '2026-01-01T10:00:00.000Z';
const ROWE: User = { id: 1, name: 'Dr Rowe', role: 'clinical_director', created_at: NOW, active: true, has_pin: true };

function status(over: Partial<AccessStatus> = {}): AccessStatus {
  return {
    folder: 'encrypted',
    users: [{ id: 1, name: 'Dr Rowe' }, { id: 2, name: 'Sam Okafor' }],
    signed_in: null,
    locked: false,
    pin_allowed: false,
    lock_after_min: 10,
    passphrase_min_chars: 10,
    session_open: false,
    ...over,
  };
}

/** A backend that keeps the access state as the shell does; `calls` lists the commands. */
function backend(initial: AccessStatus) {
  let s = initial;
  let wrongPins = 0;
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  const fail = (kind: string, message: string) => Promise.reject({ kind, message, problems: [] });
  mockIPC(
    (cmd, args) => {
      const a = (args ?? {}) as Record<string, unknown>;
      if (!cmd.startsWith('plugin:')) calls.push({ cmd, args: a });
      switch (cmd) {
        case 'app_info':
          return {
            version: '0', data_dir: '/data', db_path: '/data/holdspace.sqlite3', startup_error: null, config_problems: [],
            space_warning: null, test_build: true, preferences: { appearance: { theme: 'dim', dim_level: 'standard' }, therapist: null },
          };
        case 'clock_now':
          return NOW;
        case 'access_status':
          return s;
        case 'create_first_user': {
          const user = { ...ROWE, name: a.name as string, role: a.role as User['role'], has_pin: false };
          s = status({ users: [{ id: 1, name: user.name }], signed_in: user });
          return { user, recovery_key: 'a3f9-0c1d-77e2-9b40-5d16-e8aa-0f3c-2b91', encrypted_existing: initial.folder === 'plaintext' };
        }
        case 'sign_in':
          if (a.passphrase === 'too many tries') return fail('try_later', 'Too many wrong tries: wait 30 seconds.');
          if (a.passphrase !== 'quiet harbour light') return fail('wrong_secret', 'That passphrase is not right.');
          s = { ...s, signed_in: ROWE, pin_allowed: true };
          return s;
        case 'lock_screen':
          s = { ...s, locked: true };
          return s;
        case 'unlock_with_pin':
          if (a.pin !== '2468') {
            wrongPins++;
            if (wrongPins >= 3) s = { ...s, pin_allowed: false };
            return fail('wrong_secret', wrongPins >= 3 ? 'That PIN is not right. Unlock with the passphrase now.' : 'That PIN is not right.');
          }
          s = { ...s, locked: false };
          return s;
        case 'unlock_with_passphrase':
          if (a.passphrase !== 'quiet harbour light') return fail('wrong_secret', 'That passphrase is not right.');
          s = { ...s, locked: false, pin_allowed: true };
          return s;
        case 'current_session':
          return null;
        case 'list_protocols':
        case 'list_sessions':
          return [];
        case 'music_state':
          return musicState();
        default:
          return null;
      }
    },
    { shouldMockEvents: true },
  );
  return { calls, commands: () => calls.map((c) => c.cmd), status: () => s };
}

async function type(el: HTMLElement, value: string) {
  await fireEvent.input(el, { target: { value } });
}

describe('first run', () => {
  it('creates the first user (a director by default), then shows the recovery key once', async () => {
    const b = backend(status({ folder: 'new', users: [] }));
    const { getByTestId, queryByTestId, container } = render(App);
    await waitFor(() => getByTestId('first-run-form'));
    expect((getByTestId('first-role') as HTMLSelectElement).value).toBe('clinical_director');
    expect(container.textContent).toContain('only a director can add');

    await type(getByTestId('first-name'), 'Dr Rowe');
    await type(getByTestId('first-passphrase'), 'short');
    await type(getByTestId('first-passphrase-repeat'), 'short');
    await fireEvent.submit(getByTestId('first-run-form'));
    expect(getByTestId('first-run-error').textContent).toContain('at least 10');
    expect(b.commands()).not.toContain('create_first_user');

    await type(getByTestId('first-passphrase'), 'quiet harbour light');
    await type(getByTestId('first-passphrase-repeat'), 'quiet harbour light');
    await fireEvent.submit(getByTestId('first-run-form'));
    await waitFor(() => getByTestId('recovery-screen'));
    expect(b.calls.find((c) => c.cmd === 'create_first_user')?.args).toEqual({
      name: 'Dr Rowe',
      role: 'clinical_director',
      passphrase: 'quiet harbour light',
    });
    expect(getByTestId('recovery-key').textContent).toBe('a3f9-0c1d-77e2-9b40-5d16-e8aa-0f3c-2b91');
    expect(getByTestId('recovery-warning').textContent).toContain('nobody can recover the record');
    const go = getByTestId('recovery-continue') as HTMLButtonElement;
    expect(go.disabled).toBe(true);
    await fireEvent.click(getByTestId('recovery-kept'));
    expect(go.disabled).toBe(false);
    await fireEvent.click(go);
    await waitFor(() => getByTestId('start-form'));
    expect(queryByTestId('recovery-key')).toBeNull();
    const therapist = getByTestId('therapist') as HTMLInputElement;
    expect(therapist.value).toBe('Dr Rowe');
    expect(therapist.readOnly).toBe(true);
  });

  it('says an existing record will be encrypted, and that it takes a while', async () => {
    backend(status({ folder: 'plaintext', users: [] }));
    const { getByTestId } = render(App);
    await waitFor(() => getByTestId('first-run-existing'));
    expect(getByTestId('first-run-existing').textContent).toContain('encrypts it');
    expect(getByTestId('first-run-submit').textContent).toContain('encrypt the record');
  });
});

describe('sign-in', () => {
  it('says a wrong passphrase and the wait in place, then opens the record', async () => {
    const b = backend(status());
    const { getByTestId } = render(App);
    await waitFor(() => getByTestId('sign-in-form'));
    await type(getByTestId('sign-in-passphrase'), 'wrong one');
    await fireEvent.submit(getByTestId('sign-in-form'));
    await waitFor(() => expect(getByTestId('sign-in-error').textContent).toContain('not right'));
    expect((getByTestId('sign-in-passphrase') as HTMLInputElement).value).toBe('');
    await type(getByTestId('sign-in-passphrase'), 'too many tries');
    await fireEvent.submit(getByTestId('sign-in-form'));
    await waitFor(() => expect(getByTestId('sign-in-error').textContent).toContain('wait 30 seconds'));
    await type(getByTestId('sign-in-passphrase'), 'quiet harbour light');
    await fireEvent.submit(getByTestId('sign-in-form'));
    await waitFor(() => getByTestId('start-form'));
    expect(b.calls.filter((c) => c.cmd === 'sign_in').map((c) => c.args.userId)).toEqual([1, 1, 1]);
  });

  it('starts on the user who signed in last on this folder', async () => {
    localStorage.setItem('holdspace.lastUser:/data', '2');
    backend(status());
    const { getByTestId } = render(App);
    await waitFor(() => getByTestId('sign-in-form'));
    expect((getByTestId('sign-in-user') as HTMLSelectElement).value).toBe('2');
  });
});

describe('lock', () => {
  async function signedIn() {
    const b = backend(status({ signed_in: ROWE, pin_allowed: true }));
    const r = render(App);
    await waitFor(() => r.getByTestId('start-form'));
    return { b, ...r };
  }

  it('locks when the app clock passes the idle minutes, not before, and input starts them again', async () => {
    const { b, getByTestId } = await signedIn();
    await emit('clock-changed', '2026-01-01T10:09:00.000Z');
    await new Promise((r) => setTimeout(r, 20));
    expect(b.commands()).not.toContain('lock_screen');
    // Input at 10:09 (app time): ten more minutes from there.
    window.dispatchEvent(new Event('pointermove'));
    await emit('clock-changed', '2026-01-01T10:18:00.000Z');
    await new Promise((r) => setTimeout(r, 20));
    expect(b.commands()).not.toContain('lock_screen');
    await emit('clock-changed', '2026-01-01T10:19:30.000Z');
    await waitFor(() => getByTestId('lock-screen'));
    expect(b.commands()).toContain('lock_screen');
  });

  it('locks on Alt+L; outside a session only the unlock form shows', async () => {
    const { getByTestId, container } = await signedIn();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'l', code: 'KeyL', altKey: true, bubbles: true }));
    await waitFor(() => getByTestId('lock-screen'));
    expect(getByTestId('lock-screen').dataset.inSession).toBe('false');
    expect(container.querySelector('[data-testid="start-form"]')).toBeNull();
    expect(container.querySelector('[data-testid="music-indicator"]')).toBeNull();
    expect(getByTestId('unlock-form').dataset.mode).toBe('pin');
  });

  it('unlocks with the PIN; three wrong PINs leave the passphrase only', async () => {
    const { b, getByTestId, container } = await signedIn();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'l', code: 'KeyL', altKey: true, bubbles: true }));
    await waitFor(() => getByTestId('unlock-pin'));
    for (let i = 0; i < 3; i++) {
      await waitFor(() => getByTestId('unlock-pin'));
      await type(getByTestId('unlock-pin'), '1111');
      await fireEvent.submit(getByTestId('unlock-form'));
      await waitFor(() => expect(b.calls.filter((c) => c.cmd === 'unlock_with_pin')).toHaveLength(i + 1));
      await waitFor(() => expect(getByTestId('unlock-error').textContent).toContain('not right'));
    }
    await waitFor(() => expect(getByTestId('unlock-form').dataset.mode).toBe('passphrase'));
    expect(getByTestId('unlock-error').textContent).toContain('passphrase now');
    expect(container.querySelector('[data-testid="unlock-switch"]')).toBeNull();
    await type(getByTestId('unlock-passphrase'), 'quiet harbour light');
    await fireEvent.submit(getByTestId('unlock-form'));
    await waitFor(() => getByTestId('start-form'));
    expect(b.calls.find((c) => c.cmd === 'unlock_with_passphrase')?.args).toEqual({ userId: 1, passphrase: 'quiet harbour light' });
  });

  it('offers "Use passphrase instead", and another user unlocks with their passphrase', async () => {
    const { b, getByTestId } = await signedIn();
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'l', code: 'KeyL', altKey: true, bubbles: true }));
    await waitFor(() => getByTestId('unlock-pin'));
    await fireEvent.click(getByTestId('unlock-switch'));
    expect(getByTestId('unlock-form').dataset.mode).toBe('passphrase');
    await fireEvent.click(getByTestId('unlock-switch'));
    expect(getByTestId('unlock-form').dataset.mode).toBe('pin');
    const who = getByTestId('unlock-user') as HTMLSelectElement;
    expect(who.value).toBe('1');
    await fireEvent.change(who, { target: { value: '2' } });
    expect(getByTestId('unlock-form').dataset.mode).toBe('passphrase');
    await type(getByTestId('unlock-passphrase'), 'quiet harbour light');
    await fireEvent.submit(getByTestId('unlock-form'));
    await waitFor(() => getByTestId('start-form'));
    expect(b.calls.find((c) => c.cmd === 'unlock_with_passphrase')?.args).toEqual({ userId: 2, passphrase: 'quiet harbour light' });
  });
});
