import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import AccessSettings from './AccessSettings.svelte';
import type { AccessStatus, User } from '../lib/access';

afterEach(() => {
  cleanup();
  clearMocks();
});

const at = '2026-01-01T10:00:00Z';
const director: User = { id: 1, name: 'Dr Rowe', role: 'clinical_director', created_at: at, active: true, has_pin: false };
const sam: User = { id: 2, name: 'Sam Okafor', role: 'therapist', created_at: at, active: true, has_pin: false };

function access(me: User): AccessStatus {
  return {
    folder: 'encrypted',
    users: [],
    signed_in: me,
    locked: false,
    pin_allowed: false,
    lock_after_min: 10,
    passphrase_min_chars: 10,
    session_open: false,
  };
}

function backend() {
  let users = [director, sam];
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    switch (cmd) {
      case 'list_users':
        return users;
      case 'add_user': {
        const u = { ...sam, id: 3, name: a.name as string, role: a.role as User['role'] };
        users = [...users, u];
        return u;
      }
      case 'deactivate_user':
        users = users.map((u) => (u.id === a.userId ? { ...u, active: false } : u));
        return users.find((u) => u.id === a.userId);
      case 'set_pin':
        return { ...access(director), signed_in: { ...director, has_pin: a.pin !== null } };
      case 'set_lock_after':
        return { ...access(director), lock_after_min: a.minutes };
      default:
        return null;
    }
  });
  return { calls, sent: (cmd: string) => calls.filter((c) => c.cmd === cmd).map((c) => c.args) };
}

async function type(el: HTMLElement, value: string) {
  await fireEvent.input(el, { target: { value } });
}

describe('Users and lock', () => {
  it('lets a director add a user with a first passphrase, checked before it is sent', async () => {
    const b = backend();
    const { getByTestId, getAllByTestId } = render(AccessSettings, { access: access(director), onAccess: () => {} });
    await waitFor(() => expect(getAllByTestId('user-row')).toHaveLength(2));
    await type(getByTestId('new-user-name'), 'Ada Chen');
    await type(getByTestId('new-user-passphrase'), 'river stones at dusk');
    await type(getByTestId('new-user-passphrase-repeat'), 'river stones at dawn');
    await fireEvent.submit(getByTestId('add-user-form'));
    expect(getByTestId('add-user-error').textContent).toContain('not the same');
    expect(b.sent('add_user')).toEqual([]);
    await type(getByTestId('new-user-passphrase-repeat'), 'river stones at dusk');
    await fireEvent.submit(getByTestId('add-user-form'));
    await waitFor(() => expect(getAllByTestId('user-row')).toHaveLength(3));
    expect(b.sent('add_user')).toEqual([{ name: 'Ada Chen', role: 'therapist', passphrase: 'river stones at dusk' }]);
  });

  it('deactivates only after a confirmation, and never the director themself', async () => {
    const b = backend();
    const { getAllByTestId, getByTestId } = render(AccessSettings, { access: access(director), onAccess: () => {} });
    await waitFor(() => expect(getAllByTestId('user-row')).toHaveLength(2));
    expect(getAllByTestId('deactivate-user')).toHaveLength(1);
    await fireEvent.click(getByTestId('deactivate-user'));
    expect(b.sent('deactivate_user')).toEqual([]);
    expect(getByTestId('users-table').textContent).toContain('their entries keep their name');
    await fireEvent.click(getByTestId('deactivate-confirm'));
    await waitFor(() => expect(getAllByTestId('user-row')[1].dataset.active).toBe('false'));
    expect(b.sent('deactivate_user')).toEqual([{ userId: 2 }]);
  });

  it('sets a PIN of digits only, and the lock minutes within 1 to 60', async () => {
    const b = backend();
    const seen: AccessStatus[] = [];
    const { getByTestId } = render(AccessSettings, { access: access(director), onAccess: (s: AccessStatus) => seen.push(s) });
    await type(getByTestId('pin-new'), '12');
    await type(getByTestId('pin-repeat'), '12');
    await fireEvent.submit(getByTestId('pin-form'));
    expect(getByTestId('pin-error').textContent).toContain('4 to 12 digits');
    await type(getByTestId('pin-new'), '2468');
    await type(getByTestId('pin-repeat'), '2468');
    await fireEvent.submit(getByTestId('pin-form'));
    await waitFor(() => expect(b.sent('set_pin')).toEqual([{ pin: '2468' }]));
    await waitFor(() => expect(seen[0]?.signed_in?.has_pin).toBe(true));

    await type(getByTestId('lock-after'), '90');
    await fireEvent.submit(getByTestId('lock-after-form'));
    expect(getByTestId('lock-after-error').textContent).toContain('1 to 60');
    await type(getByTestId('lock-after'), '15');
    await fireEvent.submit(getByTestId('lock-after-form'));
    await waitFor(() => expect(getByTestId('lock-after-status').textContent).toContain('15 minutes'));
    expect(b.sent('set_lock_after')).toEqual([{ minutes: 15 }]);
  });

  it('shows a therapist the list and their own settings, not the director’s', async () => {
    backend();
    const { queryByTestId, getByTestId, getAllByTestId } = render(AccessSettings, { access: access(sam), onAccess: () => {} });
    await waitFor(() => expect(getAllByTestId('user-row')).toHaveLength(2));
    expect(queryByTestId('add-user-form')).toBeNull();
    expect(queryByTestId('deactivate-user')).toBeNull();
    expect(queryByTestId('lock-after-form')).toBeNull();
    expect(getByTestId('lock-after-text').textContent).toContain('10 minutes');
    expect(getByTestId('passphrase-form')).toBeTruthy();
  });
});
