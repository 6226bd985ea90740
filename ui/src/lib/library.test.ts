import { describe, expect, it } from 'vitest';
import { checkpointText, db, duration, locationLabel, progressFraction, thresholdRows } from './library';
import type { Thresholds } from './bindings/Thresholds';

describe('library helpers', () => {
  it('formats lengths and decibels', () => {
    expect(duration(59.6)).toBe('1:00');
    expect(duration(3834)).toBe('1:03:54');
    expect(db(3)).toBe('+3.0 dB');
    expect(db(-14.24)).toBe('−14.2 dB');
    expect(db(-0.04, 'dBTP')).toBe('0.0 dBTP');
  });

  it('names where a track is in words', () => {
    const base = { phase: 'settle', title: 'T', artist: 'A', duration_seconds: 1, recorded_path: 'a.wav' };
    expect(locationLabel({ ...base, location: { kind: 'found', path: '/m/a.wav' } })).toBe('found');
    expect(locationLabel({ ...base, location: { kind: 'missing' } })).toBe('missing');
    expect(locationLabel({ ...base, location: { kind: 'moved', path: '/m/x/a.wav', matched_by: 'file name' } })).toBe(
      'moved (found by file name): /m/x/a.wav',
    );
  });

  it('turns progress events into a fraction', () => {
    expect(progressFraction(null)).toBe(0);
    expect(progressFraction({ playlist: 'p', done: 1, total: 4, fraction: 0.5 })).toBe(0.375);
    expect(progressFraction({ playlist: 'p', done: 4, total: 4, fraction: 1 })).toBe(1);
    expect(progressFraction({ playlist: 'p', done: 0, total: 0, fraction: 1 })).toBe(1);
  });

  it('shows every threshold with its value and source', () => {
    const t: Thresholds = {
      pre_dose_bp: { systolic_above: 140, diastolic_above: 90, source: 'Spravato REMS' },
      session_bp: { systolic_at_or_above: 180, diastolic_at_or_above: 110, source: 'S2' },
      bp_rise: { systolic_rise_at_or_above: 40, diastolic_rise_at_or_above: 25, source: 'S3' },
      spo2: { below_twice: 93, below_once: 90, source: 'S4' },
      heart_rate: { below: 50, above: 120, source: 'S5' },
      respiratory_rate: { below: 10, above: 30, source: 'S6' },
      moaas: { at_or_below: 1, source: 'S7' },
    };
    const rows = thresholdRows(t);
    expect(rows).toHaveLength(7);
    expect(rows[0]).toEqual({ label: 'Blood pressure before dosing', value: 'above 140/90 mmHg', source: 'Spravato REMS' });
    expect(rows.map((r) => r.source)).toEqual(['Spravato REMS', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7']);
    expect(rows[3].value).toContain('93%');
  });

  it('words checkpoints', () => {
    expect(checkpointText({ id: 'bp40', label: 'BP check', kind: 'once', at_min: 40, record: ['bp'] })).toBe(
      'BP check: at T+40 min (BP)',
    );
    expect(
      checkpointText({ id: 'q15', label: 'Vitals', kind: 'every', every_min: 15, from_min: 0, until_min: 120, record: ['bp', 'hr', 'spo2'] }),
    ).toBe('Vitals: every 15 min from T+0 to T+120 (BP, heart rate, SpO2)');
    expect(checkpointText({ id: 'pre', label: 'Baseline', kind: 'pre_dose', record: [] })).toBe('Baseline: before dosing');
  });
});
