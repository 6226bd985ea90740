// How each timeline entry reads in the live log and the review. Pure, tested.
import type { Entry } from './bindings/Entry';
import type { Vitals } from './bindings/Vitals';
import { routeLabel } from './routes';
import { formatElapsed, formatWall } from './time';

export function vitalsText(v: Vitals): string {
  const parts: string[] = [];
  if (v.systolic !== null && v.diastolic !== null) parts.push(`BP ${v.systolic}/${v.diastolic}`);
  if (v.heart_rate !== null) parts.push(`HR ${v.heart_rate}`);
  if (v.spo2 !== null) parts.push(`SpO2 ${v.spo2}%`);
  if (v.respiratory_rate !== null) parts.push(`RR ${v.respiratory_rate}`);
  if (v.temperature_c !== null) parts.push(`T ${v.temperature_c} °C`);
  if (v.moaas !== null) parts.push(`MOAA/S ${v.moaas}`);
  if (v.dissociation !== null) parts.push(`dissociation ${v.dissociation}/4`);
  if (v.nausea !== null) parts.push(`nausea ${v.nausea}/10`);
  if (v.distress !== null) parts.push(`distress ${v.distress}/10`);
  if (v.note) parts.push(v.note);
  return parts.join(' · ');
}

const MUSIC: Record<string, string> = {
  playlist_loaded: 'Playlist loaded',
  track_started: 'Track',
  skipped: 'Skipped',
  track_failed: 'Could not play',
  paused: 'Music paused',
  resumed: 'Music resumed',
  volume_changed: 'Volume',
  faded_to_silence: 'Faded to silence',
  phase_jumped: 'Jumped to phase',
  device_lost: 'Audio output lost',
  device_regained: 'Audio output back',
  playlist_finished: 'Playlist finished',
};

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
      return b.theme ? `${b.text} [integration theme]` : b.text;
    case 'vitals':
      return vitalsText(b.reading);
    case 'flag':
      return `FLAG: ${b.flag.rule_text} (source: ${b.flag.source})`;
    case 'flag_ack':
      return b.action_taken ? `Flag acknowledged · ${b.action_taken}` : 'Flag acknowledged';
    case 'checklist': {
      const a = b.action;
      const what =
        a.kind === 'tick'
          ? '✓'
          : a.kind === 'clear'
            ? 'cleared'
            : a.kind === 'not_applicable'
              ? `not applicable: ${a.reason}`
              : `${a.value}`;
      return `${b.label}: ${what}`;
    }
    case 'tag':
      return b.adverse_event ? `${b.label} (adverse event)` : b.label;
    case 'music': {
      const ev = b.event;
      const track = [ev.artist, ev.title].filter(Boolean).join(' – ');
      const phase = ev.phase ? ` · ${ev.phase}` : '';
      const detail = ev.detail ? ` · ${ev.detail}` : '';
      return `${MUSIC[ev.action] ?? ev.action}${track ? `: ${track}` : ''}${phase}${detail}`;
    }
    case 'preflight': {
      const bad = b.checks.filter((c) => !c.ok);
      return bad.length === 0
        ? `Pre-flight: all ${b.checks.length} checks passed`
        : `Pre-flight: ${bad.map((c) => `${c.name}: ${c.reason}`).join('; ')}`;
    }
    case 'practice':
      return `Practice ${b.action}: ${b.practice}${b.detail ? ` · ${b.detail}` : ''}`;
    case 'discharge_override':
      return `Discharge override: ${b.reason} (open: ${b.blockers.join('; ')})`;
    case 'session_ended':
      return b.reason ? `Session ended · ${b.reason}` : 'Session ended';
    case 'amendment':
      return `Amends entry ${b.amends_seq}: ${b.correction} (reason: ${b.reason})`;
    case 'signed':
      return `Signed by ${e.author}${b.statement ? ` · ${b.statement}` : ''}`;
    case 'addendum':
      return `Addendum: ${b.text}`;
  }
}

/** The T+ time of an entry, or its wall time before the first dose. */
export function entryTime(e: Entry): string {
  return e.elapsed_ms === null ? formatWall(e.at) : formatElapsed(e.elapsed_ms);
}
