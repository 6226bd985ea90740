// Generated from Rust by src-tauri/src/bindings.rs. Do not edit.

import type { MeasurementKind } from './MeasurementKind';

/** What a clinician calls each measurement (MeasurementKind::label). */
export const MEASUREMENT_LABELS: Record<MeasurementKind, string> = {
  bp: "BP",
  hr: "heart rate",
  spo2: "SpO2",
  rr: "respiratory rate",
  temp: "temperature",
  moaas: "MOAA/S",
  dissociation: "dissociation",
  nausea: "nausea",
  distress: "distress",
  note: "note",
};
