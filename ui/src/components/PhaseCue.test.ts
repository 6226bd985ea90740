import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import PhaseCue from './PhaseCue.svelte';
import type { CheckpointState } from '../lib/bindings/CheckpointState';
import type { TimerView } from '../lib/bindings/TimerView';

const DOSE = Date.parse('2026-01-01T10:00:00Z');
const MIN = 60_000;

function check(over: Partial<CheckpointState>): CheckpointState {
  const due = DOSE + 30 * MIN;
  return {
    occurrence_id: 'vitals-q15@0+30',
    checkpoint_id: 'vitals-q15',
    label: 'Vitals and sedation (every 15 min)',
    kind: 'every',
    anchor_dose: 0,
    offset_min: 30,
    due_ms: due,
    window_opens_ms: due - 5 * MIN,
    overdue_ms: due + 5 * MIN,
    late_until_ms: due + 10 * MIN,
    record: ['bp', 'hr', 'spo2', 'moaas'],
    status: 'due',
    completed_at_ms: null,
    late_by_ms: null,
    missing: [],
    missed_reason: null,
    missed_at_ms: null,
    ...over,
  };
}

function timer(now: number, checks: CheckpointState[]): TimerView {
  return {
    // The elapsed time is as of the last push, seconds ago; the dose time is what counts.
    phase: { name: 'peak', description: '', elapsed_ms: now - DOSE - 4_000, first_dose_ms: DOSE, next_phase: null, next_phase_at_ms: null },
    next: null,
    checkpoints: checks,
    due_count: 0,
    overdue_count: 0,
    missed_unexplained_count: 0,
  };
}

let sent: Record<string, unknown>[] = [];

beforeEach(() => {
  sent = [];
  mockIPC((cmd, args) => {
    if (cmd === 'mark_check_missed') {
      sent.push(args as Record<string, unknown>);
      return { id: 1, session_id: 7, seq: 9, at: new Date().toISOString(), elapsed_ms: 0, author: 'Dr', body: { kind: 'note', text: '', theme: false }, text: 'Check missed' };
    }
    return null;
  });
});

afterEach(() => {
  cleanup();
  clearMocks();
});

describe('the due cue', () => {
  it('says which value a reading lacked, in the clinician\u2019s words, and how long a late one still counts', () => {
    const now = DOSE + 37 * MIN;
    const { getByTestId } = render(PhaseCue, {
      timer: timer(now, [check({ status: 'overdue', missing: ['moaas'] })]),
      now,
    });
    const text = getByTestId('checkpoint').textContent ?? '';
    expect(text).toContain('OVERDUE');
    expect(text).toContain('(BP, heart rate, SpO2, MOAA/S)');
    expect(text).toContain('7 min late');
    expect(text).toContain('a complete reading in the next 3 min still counts');
    expect(getByTestId('checkpoint-missing').textContent).toContain('lacked MOAA/S');
  });

  it('shows a missed check until a reason is given, and sends the reason', async () => {
    const now = DOSE + 45 * MIN;
    const saved: unknown[] = [];
    const { getByTestId, queryAllByTestId } = render(PhaseCue, {
      timer: timer(now, [check({ status: 'missed' })]),
      now,
      sessionId: 7,
      onSaved: (e: unknown) => saved.push(e),
    });
    expect(queryAllByTestId('checkpoint')).toHaveLength(0);
    expect(getByTestId('checkpoint-missed').textContent).toContain('MISSED: Vitals and sedation (every 15 min) (due T+00:30:00)');
    await fireEvent.click(getByTestId('mark-missed'));
    const save = getByTestId('missed-save') as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await fireEvent.input(getByTestId('missed-reason'), { target: { value: 'asleep, not woken' } });
    expect(save.disabled).toBe(false);
    await fireEvent.submit(getByTestId('missed-form'));
    await new Promise((r) => setTimeout(r, 0));
    expect(sent).toEqual([expect.objectContaining({ sessionId: 7, occurrenceId: 'vitals-q15@0+30', reason: 'asleep, not woken' })]);
    expect(saved).toHaveLength(1);
    expect(queryAllByTestId('missed-form')).toHaveLength(0);
  });

  it('shows no mark-missed control where there is no session (the room view) and none for a check with a reason', () => {
    const now = DOSE + 45 * MIN;
    const { queryAllByTestId } = render(PhaseCue, {
      timer: timer(now, [check({ status: 'missed' }), check({ occurrence_id: 'x@0+15', status: 'missed', missed_reason: 'asleep' })]),
      now,
    });
    expect(queryAllByTestId('checkpoint-missed')).toHaveLength(1);
    expect(queryAllByTestId('mark-missed')).toHaveLength(0);
  });

  it('says how many checks are missed in one line in the room view', () => {
    const now = DOSE + 45 * MIN;
    const { getByTestId, queryAllByTestId } = render(PhaseCue, {
      timer: timer(now, [check({ status: 'missed' }), check({ occurrence_id: 'x@0+15', status: 'missed' })]),
      now,
      large: true,
    });
    expect(queryAllByTestId('checkpoint-missed')).toHaveLength(0);
    expect(getByTestId('checkpoint-missed-count').textContent).toContain('MISSED: 2 checks');
  });
});
