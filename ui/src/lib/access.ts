// Who may use the record, and when the screen locks: the plain words and checks of the
// first-run, sign-in, unlock and settings forms, and the idle timer. Pure, tested in
// access.test.ts. The backend checks everything again; these only say it sooner.
import type { AccessStatus } from './bindings/AccessStatus';
import type { Role } from './bindings/Role';

export type { AccessStatus } from './bindings/AccessStatus';
export type { FirstRun } from './bindings/FirstRun';
export type { FolderState } from './bindings/FolderState';
export type { Role } from './bindings/Role';
export type { User } from './bindings/User';
export type { UserChoice } from './bindings/UserChoice';

export const ROLES: { role: Role; label: string }[] = [
  { role: 'clinical_director', label: 'Clinical director' },
  { role: 'therapist', label: 'Therapist' },
  { role: 'prescriber', label: 'Prescriber' },
];

export function roleLabel(role: Role): string {
  return ROLES.find((r) => r.role === role)?.label ?? role;
}

/** Characters as a person counts them (an emoji is one), as the backend counts them. */
export function charCount(s: string): number {
  return [...s].length;
}

/** What is wrong with a new passphrase and its repetition, or null. */
export function passphraseProblem(passphrase: string, repeat: string, minChars: number): string | null {
  if (charCount(passphrase) < minChars)
    return `The passphrase needs at least ${minChars} characters (a few words with spaces are easy to remember).`;
  if (passphrase !== repeat) return 'The two passphrases are not the same.';
  return null;
}

/** A PIN is 4 to 12 digits. */
export function pinProblem(pin: string, repeat: string = pin): string | null {
  if (!/^[0-9]{4,12}$/.test(pin)) return 'A PIN is 4 to 12 digits.';
  if (pin !== repeat) return 'The two PINs are not the same.';
  return null;
}

/** Lock after N minutes: a whole number from 1 to 60. */
export function lockAfterProblem(minutes: number): string | null {
  return Number.isInteger(minutes) && minutes >= 1 && minutes <= 60 ? null : 'Choose a whole number of minutes from 1 to 60.';
}

/** The user the sign-in and unlock forms start on: the one asked for if still listed, else the first. */
export function preselect(status: AccessStatus, wanted: number | null): number | null {
  const users = choices(status);
  if (wanted !== null && users.some((u) => u.id === wanted)) return wanted;
  return users[0]?.id ?? null;
}

/** Who can sign in or unlock: the list the backend gives, the signed-in user always among them. */
export function choices(status: AccessStatus): { id: number; name: string }[] {
  const users = [...status.users];
  const me = status.signed_in;
  if (me && !users.some((u) => u.id === me.id)) users.unshift({ id: me.id, name: me.name });
  return users;
}

/**
 * Minutes without keyboard or mouse input, counted on the app clock (so a test can move it),
 * after which the screen locks. `input` is called on every input, `due` says whether the
 * time has run out, and `leftMs` how long until it does.
 */
export class IdleTimer {
  private last: number;

  constructor(now: number) {
    this.last = now;
  }

  input(now: number): void {
    this.last = now;
  }

  leftMs(now: number, minutes: number): number {
    return this.last + minutes * 60_000 - now;
  }

  due(now: number, minutes: number): boolean {
    return this.leftMs(now, minutes) <= 0;
  }
}

/** The last user who signed in on this data folder, remembered by this window (an id, nothing more). */
export function rememberedUser(storage: Pick<Storage, 'getItem'> | null, dataDir: string): number | null {
  try {
    const v = storage?.getItem(`holdspace.lastUser:${dataDir}`);
    const n = v ? Number(v) : NaN;
    return Number.isInteger(n) ? n : null;
  } catch {
    return null;
  }
}

export function rememberUser(storage: Pick<Storage, 'setItem'> | null, dataDir: string, id: number): void {
  try {
    storage?.setItem(`holdspace.lastUser:${dataDir}`, String(id));
  } catch {
    // Only a convenience: the form then starts on the first user.
  }
}
