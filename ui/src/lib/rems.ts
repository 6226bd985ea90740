// Where an esketamine session's REMS monitoring form stands, in the words the screens use.
import type { FilingState } from './bindings/FilingState';
import type { FilingDue } from './bindings/FilingDue';

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/** One line: due, overdue, or submitted (by whom, how, when). */
export function filingText(s: FilingState): string {
  switch (s.state) {
    case 'not_required':
      return 'No REMS form is needed for this session.';
    case 'due':
      return s.days_left === 0
        ? `REMS monitoring form due today (${s.due_on}); not yet recorded as submitted.`
        : `REMS monitoring form due by ${s.due_on} (in ${days(s.days_left)}); not yet recorded as submitted.`;
    case 'overdue':
      return `REMS monitoring form overdue: it was due ${s.due_on} (${days(s.days_over)} ago) and is not recorded as submitted.`;
    case 'submitted': {
      const how = s.method === 'portal' ? 'the REMS portal' : 'fax';
      const conf = s.confirmation ? `, confirmation ${s.confirmation}` : '';
      return `REMS monitoring form submitted ${s.submitted_on} by ${how}${conf} (recorded by ${s.by})${s.late ? `; after the due date ${s.due_on}` : ''}.`;
    }
  }
}

/** The start screen's line for one form due soon or overdue. */
export function dueText(d: FilingDue): string {
  const s = d.state;
  if (s.state === 'overdue') return `${d.client_code} (session ${d.session_id}): REMS form overdue since ${s.due_on}`;
  if (s.state === 'due') return `${d.client_code} (session ${d.session_id}): REMS form due ${s.days_left === 0 ? 'today' : `by ${s.due_on}`}`;
  return `${d.client_code} (session ${d.session_id})`;
}
