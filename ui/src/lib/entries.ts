// How each timeline entry reads in the live log and the review. Pure, tested.
import type { Entry } from './bindings/Entry';
import { routeLabel } from './routes';
import { formatElapsed, formatWall } from './time';

export function entryText(e: Entry): string {
  const b = e.body;
  switch (b.kind) {
    case 'session_started':
      return `Session started · ${b.client_code} · ${b.protocol}`;
    case 'dose': {
      const lot = b.lot ? ` · lot ${b.lot}` : '';
      return `${b.booster ? 'Booster dose' : 'Dose'}: ${b.substance} ${b.amount} ${b.unit} · ${routeLabel(b.route)}${lot}`;
    }
    case 'note':
      return b.text;
    case 'session_ended':
      return b.reason ? `Session ended · ${b.reason}` : 'Session ended';
  }
}

/** The T+ time of an entry, or its wall time before the first dose. */
export function entryTime(e: Entry): string {
  return e.elapsed_ms === null ? formatWall(e.at) : formatElapsed(e.elapsed_ms);
}
