// Test fixtures for the review screen: timeline items of every common kind.
import type { AmendmentLine } from './bindings/AmendmentLine';
import type { EntryBody } from './bindings/EntryBody';
import type { TimelineItem } from './bindings/TimelineItem';

const START = Date.parse('2026-01-15T09:00:00Z');

export function item(seq: number, body: EntryBody, minute = seq, text?: string): TimelineItem {
  const at = new Date(START + minute * 60_000).toISOString();
  const elapsed = (minute - 10) * 60_000;
  const words = text ?? (body.kind === 'note' ? body.text : body.kind);
  return {
    entry: { id: seq, session_id: 1, seq, at, elapsed_ms: minute >= 10 ? elapsed : null, author: 'Dr Rowe', body, text: words },
    t_plus: minute >= 10 ? `T+00:${String(Math.floor(minute - 10)).padStart(2, '0')}:00` : null,
    text: words,
  };
}

export const note = (text: string): EntryBody => ({ kind: 'note', text, theme: false });

/** `n` entries cycling through notes, vitals, tags and music. */
export function manyItems(n: number): TimelineItem[] {
  const out: TimelineItem[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const k = seq % 4;
    const body: EntryBody =
      k === 0
        ? note(`note ${seq}`)
        : k === 1
          ? {
              kind: 'vitals',
              reading: {
                systolic: 120 + (seq % 30),
                diastolic: 80,
                heart_rate: 70,
                spo2: 97,
                respiratory_rate: null,
                temperature_c: null,
                moaas: null,
                dissociation: null,
                nausea: null,
                distress: null,
                note: null,
              },
            }
          : k === 2
            ? { kind: 'tag', tag_id: 't', label: 'tearful', adverse_event: false }
            : {
                kind: 'music',
                event: { action: 'track_started', title: `Track ${seq}`, artist: '', phase: '', path: '', detail: '', technical_detail: '' },
              };
    out.push(item(seq, body, 10 + seq / 60));
  }
  return out;
}

export function amendment(seq: number, amendsSeq: number, correction: string, reason: string): AmendmentLine {
  return {
    seq,
    at: '2026-01-15T12:00:00Z',
    author: 'Dr Rowe',
    reason,
    correction,
    amends_seq: amendsSeq,
    amended_kind: 'note',
    amended_text: null,
  };
}
