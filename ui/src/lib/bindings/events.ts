// Generated from src-tauri/src/events.rs by `make bindings`. Do not edit.

export const EVENTS = {
  musicEvent: 'music-event',
  musicStatus: 'music-status',
  musicPosition: 'music-position',
  musicLoaded: 'music-loaded',
  monitorChanged: 'monitor-changed',
  clockChanged: 'clock-changed',
  pendingChanged: 'pending-changed',
  entriesSaved: 'entries-saved',
  saveFailed: 'save-failed',
  loudnessProgress: 'loudness-progress',
  loudnessFinished: 'loudness-finished',
  accessChanged: 'access-changed',
} as const;

export type EventName = (typeof EVENTS)[keyof typeof EVENTS];
