// The only module that talks to Tauri. Components call these functions and never `invoke`.
// Every command returns what the store saved; the UI shows that, never its own guess.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { AppInfo } from './bindings/AppInfo';
import type { DoseInput } from './bindings/DoseInput';
import type { Entry } from './bindings/Entry';
import type { ErrorKind } from './bindings/ErrorKind';
import type { NewSession } from './bindings/NewSession';
import type { SessionSummary } from './bindings/SessionSummary';
import type { SessionView } from './bindings/SessionView';

/** A failed command: `kind` is what the UI switches on; `message` is shown as written. */
export class BackendError extends Error {
  constructor(
    readonly kind: ErrorKind | 'ipc',
    message: string,
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

function isIpcError(e: unknown): e is { kind: ErrorKind; message: string } {
  return typeof e === 'object' && e !== null && 'kind' in e && 'message' in e;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    if (isIpcError(e)) throw new BackendError(e.kind, e.message);
    throw new BackendError('ipc', typeof e === 'string' ? e : String(e));
  }
}

export const backend = {
  appInfo: () => call<AppInfo>('app_info'),
  clockNow: () => call<string>('clock_now'),
  listSessions: () => call<SessionSummary[]>('list_sessions'),
  currentSession: () => call<SessionView | null>('current_session'),
  getSession: (sessionId: number) => call<SessionView>('get_session', { sessionId }),
  startSession: (newSession: NewSession) => call<SessionView>('start_session', { newSession }),
  recordDose: (sessionId: number, dose: DoseInput) => call<Entry>('record_dose', { sessionId, dose }),
  addNote: (sessionId: number, text: string) => call<Entry>('add_note', { sessionId, text }),
  endSession: (sessionId: number, reason: string) => call<Entry>('end_session', { sessionId, reason }),
  /** Test builds only: moves the app clock forward. */
  advanceClock: (minutes: number) => call<string>('advance_clock', { minutes }),
  onEvent: <T>(name: string, handler: (payload: T) => void): Promise<UnlistenFn> =>
    listen<T>(name, (e) => handler(e.payload)),
};

export type Backend = typeof backend;
