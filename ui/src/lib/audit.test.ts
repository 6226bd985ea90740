import { describe, expect, it } from 'vitest';
import { AUDIT_ACTION_LABELS, AUDIT_SCREEN_ROWS, auditFilter } from './audit';

describe('auditFilter', () => {
  it('leaves blank fields out and reads a session number', () => {
    expect(auditFilter(' ', '', '')).toEqual({ filter: { user_name: null, session_id: null, action: null, limit: AUDIT_SCREEN_ROWS } });
    expect(auditFilter(' Dr Rowe ', ' 12 ', 'export')).toEqual({
      filter: { user_name: 'Dr Rowe', session_id: 12, action: 'export', limit: AUDIT_SCREEN_ROWS },
    });
  });
  it('names a session that is not a number', () => {
    expect(auditFilter('', 'K-1', '')).toEqual({ problem: 'Session: "K-1" is not a session number (the number in the sessions list).' });
  });
  it('names every action', () => {
    expect(Object.values(AUDIT_ACTION_LABELS).every((l) => l.length > 0)).toBe(true);
  });
});
