import { describe, expect, it } from 'vitest';
import { backupStateText, keepProblem } from './backups';
import type { Listed } from './bindings/Listed';

const listed = (state: Listed['state']): Listed => ({
  name: 'holdspace-20261202-101500',
  database: '/media/usb/holdspace-20261202-101500.sqlite3',
  created_at: '2026-12-02T10:15:00Z',
  size: 2_097_152,
  sessions: 3,
  entries: 120,
  state,
});

describe('backups', () => {
  it('says each state with its reason', () => {
    expect(backupStateText(listed({ state: 'verified' }))).toBe('verified');
    expect(backupStateText(listed({ state: 'failed', reason: 'cut short' }))).toBe('failed: cut short');
    expect(backupStateText(listed({ state: 'not_verified', reason: 'session 2, entry 3' }))).toBe('not verified: session 2, entry 3');
  });
  it('checks the retention fields', () => {
    expect(keepProblem('14', '12')).toBeNull();
    expect(keepProblem('0', '12')).toBe('Keep every backup for 1 to 3650 days.');
    expect(keepProblem('14', '1.5')).toBe('Keep monthly backups for 0 to 1200 months.');
  });
});
