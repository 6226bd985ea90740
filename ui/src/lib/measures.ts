import type { MeasurementKind } from './bindings/MeasurementKind';
import { MEASURE_LABELS } from './bindings/labels';

/** What a check asks for, in a clinician's words: "BP, heart rate, SpO2, MOAA/S". */
export function measuresText(record: MeasurementKind[]): string {
  return record.map((r) => MEASURE_LABELS[r] ?? r).join(', ');
}
