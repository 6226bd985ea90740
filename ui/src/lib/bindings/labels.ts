// Generated from Rust by src-tauri/src/bindings.rs. Do not edit.

import type { MeasurementKind } from './MeasurementKind';
import type { Role } from './Role';
import type { Route } from './Route';

/** What a clinician calls each route (Route::label). */
export const ROUTE_LABELS: Record<Route, string> = {
  intramuscular: "Intramuscular injection",
  sublingual: "Sublingual lozenge",
  intravenous: "IV infusion",
  intranasal: "Esketamine nasal spray",
  oral: "Oral",
  other: "Other route",
};

/** What a clinician calls each measurement a check asks for (MeasurementKind::label). */
export const MEASURE_LABELS: Record<MeasurementKind, string> = {
  bp: "BP",
  hr: "heart rate",
  spo2: "SpO2",
  rr: "respiratory rate",
  temp: "temperature",
  moaas: "MOAA/S",
  dissociation: "dissociation",
  nausea: "nausea",
  distress: "distress",
  note: "a note",
};

/** The roles of the clinic's users (Role::label). */
export const ROLE_LABELS: Record<Role, string> = {
  therapist: "Therapist",
  prescriber: "Prescriber",
  clinical_director: "Clinical director",
};
