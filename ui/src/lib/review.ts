// The review screen's pure logic: timeline kinds and filtering, amendments per entry, chart
// series. Tested in review.test.ts.
import type { AmendmentLine } from './bindings/AmendmentLine';
import type { TimelineItem } from './bindings/TimelineItem';

/** Rows the review timeline renders at once; more follow as it scrolls. */
export const CHUNK = 200;
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

/** Counts per kind, for the filter's labels. */
export function kindCounts(items: TimelineItem[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const it of items) counts.set(it.entry.body.kind, (counts.get(it.entry.body.kind) ?? 0) + 1);
  return counts;
}

/** The items whose kind is shown; an empty `hidden` set shows every item. */
export function filterTimeline(items: TimelineItem[], hidden: ReadonlySet<string>): TimelineItem[] {
  if (hidden.size === 0) return items;
  return items.filter((it) => !hidden.has(it.entry.body.kind));
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

/** Minutes from the first dose (negative before it), or from the start without a dose. */
export function minutesOf(atIso: string, originIso: string): number {
  return (Date.parse(atIso) - Date.parse(originIso)) / 60_000;
}

export interface ChartData {
  /** x: minutes from the first dose (or the start). */
  x: number[];
  systolic: (number | null)[];
  diastolic: (number | null)[];
  heartRate: (number | null)[];
  spo2: (number | null)[];
  /** The timeline item of each x, for the hover readout. */
  items: TimelineItem[];
  markers: ChartMarker[];
}

export interface ChartMarker {
  x: number;
  kind: 'dose' | 'music' | 'tag';
  label: string;
  item: TimelineItem;
}

/** The chart's series and markers on one time axis. */
export function chartData(items: TimelineItem[], originIso: string): ChartData {
  const d: ChartData = { x: [], systolic: [], diastolic: [], heartRate: [], spo2: [], items: [], markers: [] };
  for (const it of items) {
    const b = it.entry.body;
    const x = minutesOf(b.kind === 'dose' ? b.given_at : it.entry.at, originIso);
    if (b.kind === 'vitals') {
      const r = b.reading;
      if (r.systolic === null && r.heart_rate === null && r.spo2 === null) continue;
      d.x.push(x);
      d.systolic.push(r.systolic);
      d.diastolic.push(r.diastolic);
      d.heartRate.push(r.heart_rate);
      d.spo2.push(r.spo2);
      d.items.push(it);
    } else if (b.kind === 'dose') {
      d.markers.push({ x, kind: 'dose', label: b.booster ? 'booster' : 'dose', item: it });
    } else if (b.kind === 'music' && b.event.action === 'track_started') {
      d.markers.push({ x, kind: 'music', label: b.event.title || 'track', item: it });
    } else if (b.kind === 'tag') {
      d.markers.push({ x, kind: 'tag', label: b.label, item: it });
    }
  }
  // uPlot wants x ascending; entries are in write order, which a back-dated dose can break.
  const order = d.x.map((_, i) => i).sort((a, b) => d.x[a] - d.x[b]);
  const pick = <T>(arr: T[]) => order.map((i) => arr[i]);
  return {
    x: pick(d.x),
    systolic: pick(d.systolic),
    diastolic: pick(d.diastolic),
    heartRate: pick(d.heartRate),
    spo2: pick(d.spo2),
    items: pick(d.items),
    markers: d.markers.sort((a, b) => a.x - b.x),
  };
}

/** The point or marker nearest to `x` minutes, within `tolerance` minutes. */
export function nearestItem(data: ChartData, x: number, tolerance: number): TimelineItem | null {
  let best: TimelineItem | null = null;
  let bestDist = tolerance;
  const consider = (px: number, it: TimelineItem) => {
    const dist = Math.abs(px - x);
    if (dist <= bestDist) {
      bestDist = dist;
      best = it;
    }
  };
  data.x.forEach((px, i) => consider(px, data.items[i]));
  for (const m of data.markers) consider(m.x, m.item);
  return best;
}

/** "T+01:05" style label for chart ticks in minutes. */
export function minutesLabel(min: number): string {
  const sign = min < 0 ? '-' : '+';
  const a = Math.round(Math.abs(min));
  return `T${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** Local date and time, e.g. for summary lines. */
export function formatDateTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

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
