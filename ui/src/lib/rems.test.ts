import { describe, expect, it } from 'vitest';
import { dueText, filingText } from './rems';

describe('filingText', () => {
  it('says what is due, overdue and submitted', () => {
    expect(filingText({ state: 'due', due_on: '2026-12-09', days_left: 1 })).toBe(
      'REMS monitoring form due by 2026-12-09 (in 1 day); not yet recorded as submitted.',
    );
    expect(filingText({ state: 'due', due_on: '2026-12-09', days_left: 0 })).toContain('due today (2026-12-09)');
    expect(filingText({ state: 'overdue', due_on: '2026-12-09', days_over: 3 })).toBe(
      'REMS monitoring form overdue: it was due 2026-12-09 (3 days ago) and is not recorded as submitted.',
    );
    expect(
      filingText({ state: 'submitted', due_on: '2026-12-09', submitted_on: '2026-12-10', by: 'Dr Rowe', method: 'fax', confirmation: '', late: true }),
    ).toBe('REMS monitoring form submitted 2026-12-10 by fax (recorded by Dr Rowe); after the due date 2026-12-09.');
  });
  it('names the session on the start screen', () => {
    expect(dueText({ session_id: 4, client_code: 'E-2', state: { state: 'overdue', due_on: '2026-12-01', days_over: 1 } })).toBe(
      'E-2 (session 4): REMS form overdue since 2026-12-01',
    );
  });
});
