import { describe, expect, it } from 'vitest';
import type { Entry } from './bindings/Entry';
import { entryText, entryTime } from './entries';

const base = { id: 1, session_id: 1, seq: 1, at: '2026-01-15T09:00:00Z', author: 'Dr Rowe' };

describe('entry text', () => {
  it('shows a note verbatim, quotes and emoji included', () => {
    const e: Entry = { ...base, elapsed_ms: 95_000, body: { kind: 'note', text: 'said "floating" 🙂', theme: false } };
    expect(entryText(e)).toBe('said "floating" 🙂');
    expect(entryTime(e)).toBe('T+00:01:35');
  });
  it('names boosters and lot numbers', () => {
    const e: Entry = {
      ...base,
      elapsed_ms: 1_200_000,
      body: {
        kind: 'dose',
        given_at: base.at,
        substance: 'ketamine',
        amount: 25,
        unit: 'mg',
        route: 'intramuscular',
        lot: 'L7',
        booster: true,
      },
    };
    expect(entryText(e)).toBe('Booster dose: ketamine 25 mg · Intramuscular injection · lot L7');
  });
});

describe('monitoring entries', () => {
  it('reads vitals and flags with their source', () => {
    const vitals: Entry = {
      ...base,
      elapsed_ms: null,
      body: {
        kind: 'vitals',
        reading: {
          systolic: 150,
          diastolic: 95,
          heart_rate: 72,
          spo2: 98,
          respiratory_rate: null,
          temperature_c: null,
          moaas: 5,
          dissociation: null,
          nausea: null,
          distress: null,
          note: null,
        },
      },
    };
    expect(entryText(vitals)).toBe('BP 150/95 · HR 72 · SpO2 98% · MOAA/S 5');
  });
});
