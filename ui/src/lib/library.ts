// The Settings / Library screen's pure logic: durations, track locations, loudness numbers,
// threshold rows with their sources, and checkpoint wording. Tested in library.test.ts.
import { measuresText } from './measures';
import type { CheckpointDef } from './bindings/CheckpointDef';
import type { LoudnessProgress } from './bindings/LoudnessProgress';
import type { ResolvedTrack } from './bindings/ResolvedTrack';
import type { Thresholds } from './bindings/Thresholds';

/** `m:ss` or `h:mm:ss`, as `holdspace check` prints lengths. */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Where a track is, in words (never colour alone). */
export function locationLabel(t: ResolvedTrack): string {
  switch (t.location.kind) {
    case 'found':
      return 'found';
    case 'moved':
      return `moved (found by ${t.location.matched_by}): ${t.location.path}`;
    case 'missing':
      return 'missing';
  }
}

/** A signed dB figure with one decimal: `+3.0 dB`, `−14.2 dB`. */
export function db(value: number, unit = 'dB'): string {
  const v = Math.round(value * 10) / 10;
  const sign = v > 0 ? '+' : v < 0 ? '−' : '';
  return `${sign}${Math.abs(v).toFixed(1)} ${unit}`;
}

/** The progress bar's fraction, 0 to 1. */
export function progressFraction(p: LoudnessProgress | null): number {
  if (!p || p.total === 0) return p && p.total === 0 ? 1 : 0;
  return Math.min(1, (p.done + (p.done < p.total ? p.fraction : 0)) / p.total);
}

export interface ThresholdRow {
  label: string;
  value: string;
  source: string;
}

/** Every threshold of a template with its value and the source it cites. */
export function thresholdRows(t: Thresholds): ThresholdRow[] {
  return [
    {
      label: 'Blood pressure before dosing',
      value: `above ${t.pre_dose_bp.systolic_above}/${t.pre_dose_bp.diastolic_above} mmHg`,
      source: t.pre_dose_bp.source,
    },
    {
      label: 'Blood pressure during the session',
      value: `at or above ${t.session_bp.systolic_at_or_above} systolic or ${t.session_bp.diastolic_at_or_above} diastolic`,
      source: t.session_bp.source,
    },
    {
      label: 'Rise over baseline',
      value: `${t.bp_rise.systolic_rise_at_or_above} systolic or ${t.bp_rise.diastolic_rise_at_or_above} diastolic or more`,
      source: t.bp_rise.source,
    },
    {
      label: 'SpO2',
      value: `under ${t.spo2.below_twice}% twice in a row, or under ${t.spo2.below_once}% once`,
      source: t.spo2.source,
    },
    { label: 'Heart rate', value: `under ${t.heart_rate.below} or over ${t.heart_rate.above} /min`, source: t.heart_rate.source },
    {
      label: 'Respiratory rate',
      value: `under ${t.respiratory_rate.below} or over ${t.respiratory_rate.above} /min`,
      source: t.respiratory_rate.source,
    },
    { label: 'MOAA/S', value: `${t.moaas.at_or_below} or less`, source: t.moaas.source },
  ];
}

/** When a checkpoint falls and what it asks for, in words. */
export function checkpointText(c: CheckpointDef): string {
  const what = measuresText(c.record);
  let when: string;
  switch (c.kind) {
    case 'once':
      when = `at T+${c.at_min ?? 0} min`;
      break;
    case 'every':
      when = `every ${c.every_min ?? '?'} min from T+${c.from_min ?? 0}${c.until_min != null ? ` to T+${c.until_min}` : ''}`;
      break;
    case 'pre_dose':
      when = 'before dosing';
      break;
    case 'before_discharge':
      when = 'before discharge';
      break;
  }
  return `${c.label}: ${when}${what ? ` (${what})` : ''}`;
}
