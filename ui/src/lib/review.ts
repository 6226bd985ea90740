// The review screen's pure logic: timeline kinds and filtering, amendments per entry, chart
// series. Tested in review.test.ts.
import type { AmendmentLine } from './bindings/AmendmentLine';
import type { ChartData } from './bindings/ChartData';
import type { KindCount } from './bindings/KindCount';
import type { TimelineItem } from './bindings/TimelineItem';

/** Rows the review timeline asks for and renders at once; more follow as it scrolls. */
export const CHUNK = 200;
/** The most entries one page request may ask for (the store's SLICE_MAX). */
export { PAGE_MAX } from './bindings/limits';
/** Rows in the very first paint (a screenful); the rest of the chunk follows a frame later. */
export const FIRST_PAINT = 40;

/** Every entry kind, in the order the filter offers them, with a readable label. */
export const KINDS: { kind: string; label: string }[] = [
  { kind: 'session_started', label: 'Session start' },
  { kind: 'preflight', label: 'Pre-flight' },
  { kind: 'practice', label: 'Practices' },
  { kind: 'dose', label: 'Doses' },
  { kind: 'note', label: 'Notes' },
  { kind: 'tag', label: 'Tags' },
  { kind: 'vitals', label: 'Vitals and ratings' },
  { kind: 'checklist', label: 'Checklist' },
  { kind: 'flag', label: 'Flags' },
  { kind: 'flag_ack', label: 'Flag acknowledgements' },
  { kind: 'music', label: 'Music' },
  { kind: 'discharge_override', label: 'Discharge overrides' },
  { kind: 'session_ended', label: 'Session end' },
  { kind: 'amendment', label: 'Amendments' },
  { kind: 'signed', label: 'Signature' },
  { kind: 'addendum', label: 'Addenda' },
];

export function kindLabel(kind: string): string {
  return KINDS.find((k) => k.kind === kind)?.label ?? kind;
}

/** The session's kinds in the filter's order (kinds this UI does not know last, by name). */
export function orderedKinds(kinds: KindCount[]): { kind: string; label: string; count: number }[] {
  const known = KINDS.filter((k) => kinds.some((c) => c.kind === k.kind));
  const unknown = kinds.filter((c) => !KINDS.some((k) => k.kind === c.kind)).map((c) => ({ kind: c.kind, label: c.kind }));
  return known.concat(unknown).map((k) => ({ ...k, count: kinds.find((c) => c.kind === k.kind)?.count ?? 0 }));
}

/** Amendments of each entry, oldest first, keyed by the amended entry's seq. */
export function amendmentsBySeq(amendments: AmendmentLine[]): Map<number, AmendmentLine[]> {
  const out = new Map<number, AmendmentLine[]>();
  for (const a of amendments) {
    const list = out.get(a.amends_seq) ?? [];
    list.push(a);
    out.set(a.amends_seq, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.seq - b.seq);
  return out;
}

/** Entries a person may amend: everything but amendments, signatures and addenda. */
export function amendable(item: TimelineItem): boolean {
  return !['amendment', 'signed', 'addendum'].includes(item.entry.body.kind);
}

/** What the pointer is nearest: a vitals reading or a marker. */
export interface ChartHit {
  seq: number;
  minutes: number;
  /** The marker's label; null for a vitals reading. */
  label: string | null;
}

/** The chart's columns for uPlot: x in minutes from the first dose (the backend sorts them). */
export function chartSeries(chart: ChartData): [number[], (number | null)[], (number | null)[], (number | null)[], (number | null)[]] {
  const v = chart.vitals;
  return [v.minutes, v.systolic, v.diastolic, v.heart_rate, v.spo2];
}

/** The reading or marker nearest to `x` minutes, within `tolerance` minutes. */
export function nearestEntry(chart: ChartData, x: number, tolerance: number): ChartHit | null {
  let best: ChartHit | null = null;
  let bestDist = tolerance;
  const consider = (seq: number, minutes: number, label: string | null) => {
    const dist = Math.abs(minutes - x);
    if (dist <= bestDist) {
      bestDist = dist;
      best = { seq, minutes, label };
    }
  };
  chart.vitals.minutes.forEach((m, i) => consider(chart.vitals.seq[i], m, null));
  for (const m of chart.markers) consider(m.seq, m.minutes, m.label);
  return best;
}

/** "T+01:05" style label for chart ticks in minutes. */
export function minutesLabel(min: number): string {
  const sign = min < 0 ? '-' : '+';
  const a = Math.round(Math.abs(min));
  return `T${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** Dates are written by the one helper in locale.ts. */
export { formatDateTime } from './locale';

/** `YYYY-MM-DD` of a date input → the UTC instant of that local midnight (ISO), or null. */
export function dayStart(date: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(y, m - 1, d);
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}

/** The instant after the given local day (for an inclusive "to" date). */
export function dayEnd(date: string): string | null {
  const start = dayStart(date);
  if (!start) return null;
  const t = new Date(start);
  t.setDate(t.getDate() + 1);
  return t.toISOString();
}
