import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import DosePanel from './DosePanel.svelte';
import EffectsPanel from './EffectsPanel.svelte';
import type { EffectState } from '../lib/bindings/EffectState';

afterEach(() => {
  cleanup();
  clearMocks();
});

const presets = [
  { label: '56 mg (2 devices)', substance: 'esketamine', amount: 56, unit: 'mg', devices: 2 },
  { label: '84 mg (3 devices)', substance: 'esketamine', amount: 84, unit: 'mg', devices: 3 },
];

function capture() {
  const calls: { cmd: string; args: Record<string, unknown> }[] = [];
  mockIPC((cmd, args) => {
    calls.push({ cmd, args: (args ?? {}) as Record<string, unknown> });
    return { id: 1, seq: 9, text: 'saved' };
  });
  return calls;
}

describe('DosePanel', () => {
  it('fills the dose from a preset with its device count', async () => {
    const calls = capture();
    const r = render(DosePanel, { sessionId: 4, route: 'intranasal', presets, askDevices: true, onSaved: () => {}, onClose: () => {} });
    await fireEvent.click(r.getByTestId('dose-preset-1'));
    expect((r.getByTestId('dose-devices') as HTMLInputElement).value).toBe('3');
    await fireEvent.click(r.getByTestId('dose-save'));
    await waitFor(() => expect(calls.length).toBe(1));
    const dose = calls[0].args.dose as Record<string, unknown>;
    expect(dose).toMatchObject({ substance: 'esketamine', amount: 84, unit: 'mg', devices: 3 });
    expect(dose.override_reason).toBeUndefined();
  });

  it('shows what holds the first dose back and gives it only with a reason', async () => {
    const calls = capture();
    const held = ['Enrolled in the Spravato REMS: not enrolled. The Spravato REMS allows treatment only of enrolled patients.'];
    const r = render(DosePanel, { sessionId: 4, route: 'intranasal', presets, askDevices: true, doseBlockers: held, onSaved: () => {}, onClose: () => {} });
    expect(r.getByTestId('dose-held').textContent).toContain('not enrolled');
    await fireEvent.click(r.getByTestId('dose-preset-0'));
    const save = r.getByTestId('dose-save') as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    expect(save.textContent).toContain('Give with override');
    await fireEvent.input(r.getByTestId('dose-override'), { target: { value: 'enrolment confirmed by phone' } });
    expect(save.disabled).toBe(false);
    await fireEvent.click(save);
    await waitFor(() => expect(calls.length).toBe(1));
    expect((calls[0].args.dose as Record<string, unknown>).override_reason).toBe('enrolment confirmed by phone');
  });
});

describe('EffectsPanel', () => {
  const t0 = Date.parse('2026-12-02T09:00:00Z');
  const effects: EffectState[] = [
    { effect: 'sedation', label: 'Sedation', status: 'observed', observed_at_ms: t0 + 15 * 60_000, resolved_at_ms: null, not_observed_at_ms: null },
    { effect: 'dissociation', label: 'Dissociation', status: null, observed_at_ms: null, resolved_at_ms: null, not_observed_at_ms: null },
  ];

  it('says where each effect stands and records a resolution minutes ago', async () => {
    const calls = capture();
    const r = render(EffectsPanel, { sessionId: 4, effects, firstDoseMs: t0, onSaved: () => {} });
    expect(r.getByTestId('effect-state-sedation').textContent).toBe('observed from T+00:15, not resolved');
    expect(r.getByTestId('effect-state-dissociation').textContent).toBe('not recorded yet');
    // Nothing to resolve before it was observed.
    expect((r.getByTestId('effect-dissociation-resolved') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(r.getByTestId('effect-minutes-ago'), { target: { value: '5' } });
    await fireEvent.click(r.getByTestId('effect-sedation-resolved'));
    await waitFor(() => expect(calls.length).toBe(1));
    expect(calls[0]).toMatchObject({ cmd: 'record_effect', args: { sessionId: 4, effect: 'sedation', status: 'resolved', minutesAgo: 5 } });
  });
});
