// How each timeline entry shows in the live log. The words come from the backend
// (`Entry.text`, written by holdspace_core::describe, the same as the review and the exports),
// so one entry never reads two ways; only its time is formatted here.
import type { Entry } from './bindings/Entry';
import { formatElapsed, formatWall } from './time';

export function entryText(e: Entry): string {
  return e.text;
}

/** The T+ time of an entry, or its wall time before the first dose. */
export function entryTime(e: Entry): string {
  return e.elapsed_ms === null ? formatWall(e.at) : formatElapsed(e.elapsed_ms);
}
