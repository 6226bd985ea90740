// Formatting of times for the room. Pure functions, tested in time.test.ts.

/** `T+hh:mm:ss` from milliseconds since the first dose (`T-` before it). */
export function formatElapsed(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor(total / 60) % 60;
  const s = total % 60;
  return `T${sign}${pad(h)}:${pad(m)}:${pad(s)}`;
}

/** `hh:mm:ss` for a span with no dose reference (time since the session started). */
export function formatSpan(ms: number): string {
  return formatElapsed(Math.max(0, ms)).slice(2);
}

/**
 * Time left in whole minutes, rounded up ("3 min" is at most three minutes), "0 min" at the
 * end. The music bar shows the track's and the section's time left this way: to the minute is
 * what the therapist plans by, and a figure that turns once a minute costs the window nothing
 * the other 59 seconds (each line of text that changes each second is a redraw of its own,
 * about 0.3 % of a core under software rendering).
 */
export function formatMinutesLeft(ms: number): string {
  return `${Math.ceil(Math.max(0, ms) / 60_000)} min`;
}

/** Local wall-clock time, 24-hour. */
export function formatWall(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function pad(n: number): string {
  return n.toString().padStart(2, '0');
}

/**
 * The app clock as seen from the UI: the backend's time plus how long ago we asked. The
 * timer is derived from stored times and this clock, never counted up locally.
 */
export class AppClock {
  private offsetMs = 0;

  sync(backendNowIso: string, localNowMs: number = Date.now()): void {
    this.offsetMs = Date.parse(backendNowIso) - localNowMs;
  }

  now(localNowMs: number = Date.now()): number {
    return localNowMs + this.offsetMs;
  }
}
