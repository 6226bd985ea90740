import { describe, expect, it } from 'vitest';
import {
  charCount,
  choices,
  IdleTimer,
  lockAfterProblem,
  passphraseProblem,
  pinProblem,
  preselect,
  rememberedUser,
  rememberUser,
  roleLabel,
  type AccessStatus,
} from './access';

function status(over: Partial<AccessStatus> = {}): AccessStatus {
  return {
    folder: 'encrypted',
    users: [
      { id: 1, name: 'Dr Rowe' },
      { id: 2, name: 'Sam Okafor' },
    ],
    signed_in: null,
    locked: false,
    pin_allowed: false,
    lock_after_min: 10,
    passphrase_min_chars: 10,
    session_open: false,
    ...over,
  };
}

describe('access checks', () => {
  it('counts an emoji as one character, as the backend does', () => {
    expect(charCount('🌙🌙🌙')).toBe(3);
    expect(passphraseProblem('🌙'.repeat(9), '🌙'.repeat(9), 10)).toContain('at least 10');
    expect(passphraseProblem('🌙'.repeat(10), '🌙'.repeat(10), 10)).toBeNull();
    const long = 'a calm room '.repeat(84).slice(0, 1000);
    expect(passphraseProblem(long, long, 10)).toBeNull();
  });

  it('asks for the same passphrase twice', () => {
    expect(passphraseProblem('quiet harbour light', 'quiet harbour lights', 10)).toContain('not the same');
  });

  it('takes a PIN of 4 to 12 digits only', () => {
    expect(pinProblem('123')).not.toBeNull();
    expect(pinProblem('1234')).toBeNull();
    expect(pinProblem('123456789012')).toBeNull();
    expect(pinProblem('1234567890123')).not.toBeNull();
    expect(pinProblem('12a4')).not.toBeNull();
    expect(pinProblem('1234', '1235')).toContain('not the same');
  });

  it('locks after 1 to 60 whole minutes', () => {
    expect(lockAfterProblem(0)).not.toBeNull();
    expect(lockAfterProblem(1)).toBeNull();
    expect(lockAfterProblem(60)).toBeNull();
    expect(lockAfterProblem(61)).not.toBeNull();
    expect(lockAfterProblem(2.5)).not.toBeNull();
  });

  it('names roles in plain words', () => {
    expect(roleLabel('clinical_director')).toBe('Clinical director');
  });
});

describe('who the forms start on', () => {
  it('the user asked for when listed, else the first', () => {
    expect(preselect(status(), 2)).toBe(2);
    expect(preselect(status(), 9)).toBe(1);
    expect(preselect(status(), null)).toBe(1);
    expect(preselect(status({ users: [] }), null)).toBeNull();
  });

  it('always offers the signed-in user', () => {
    const me = { id: 3, name: 'Ada', role: 'therapist' as const, created_at: '', active: true, has_pin: true };
    expect(choices(status({ signed_in: me })).map((u) => u.id)).toEqual([3, 1, 2]);
    expect(preselect(status({ signed_in: me }), me.id)).toBe(3);
  });

  it('remembers the last user per data folder, and survives storage that fails', () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    rememberUser(storage, '/a', 2);
    expect(rememberedUser(storage, '/a')).toBe(2);
    expect(rememberedUser(storage, '/b')).toBeNull();
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(rememberedUser(broken, '/a')).toBeNull();
    expect(() => rememberUser(broken, '/a', 1)).not.toThrow();
  });
});

describe('idle timer', () => {
  it('is due once the minutes pass without input, and input starts them again', () => {
    const t = new IdleTimer(0);
    expect(t.due(9 * 60_000, 10)).toBe(false);
    expect(t.leftMs(9 * 60_000, 10)).toBe(60_000);
    t.input(9 * 60_000);
    expect(t.due(18 * 60_000, 10)).toBe(false);
    expect(t.due(19 * 60_000, 10)).toBe(true);
  });
});
