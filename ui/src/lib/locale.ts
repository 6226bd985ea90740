// WebKitGTK reports the POSIX locale "C" as navigator.language when LANG is unset or C (as on
// a bare machine or CI), and Intl rejects it: libraries that format numbers at load time
// (uPlot) would then stop the whole app from starting. Fall back to a valid tag.
function validTag(tag: string): boolean {
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

export function fixLocale(nav: Navigator = navigator): void {
  if (validTag(nav.language)) return;
  const fallback = nav.languages?.find(validTag) ?? 'en-GB';
  Object.defineProperty(nav, 'language', { get: () => fallback, configurable: true });
}

fixLocale();

/** The system's locale, as the app uses it everywhere (after fixLocale). */
export function locale(): string {
  return navigator.language;
}

let dateTimeFormat: Intl.DateTimeFormat | null = null;

/**
 * The one way a date and time is written on screen: the system locale's medium date with a
 * 24-hour time, e.g. "1 Dec 2026, 20:09" (en-GB) or "Dec 1, 2026, 20:09" (en-US). Hours are
 * always 24-hour, as on the room's clock and in the log. "—" when there is no date.
 */
export function formatDateTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  dateTimeFormat ??= new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' });
  return dateTimeFormat.format(d);
}
