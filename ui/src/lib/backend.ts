// The only module that talks to Tauri. Components call these functions and never `invoke`.
// Every command returns what the store saved; the UI shows that, never its own guess.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { getCurrentWindow } from '@tauri-apps/api/window';
import type { AppInfo } from './bindings/AppInfo';
import type { Appearance } from './bindings/Appearance';
import type { Preferences } from './bindings/Preferences';
import type { ChecklistAction } from './bindings/ChecklistAction';
import type { MonitorView } from './bindings/MonitorView';
import type { MusicControl } from './bindings/MusicControl';
import type { MusicEventPayload } from './bindings/MusicEventPayload';
import type { MusicState } from './bindings/MusicState';
import type { PlaylistInfo } from './bindings/PlaylistInfo';
import type { Status } from './bindings/Status';
import type { AwakeStatus } from './bindings/AwakeStatus';
import type { ProtocolDetails } from './bindings/ProtocolDetails';
import type { TemplateInfo } from './bindings/TemplateInfo';
import type { Vitals } from './bindings/Vitals';
import type { DoseInput } from './bindings/DoseInput';
import type { Entry } from './bindings/Entry';
import type { ErrorKind } from './bindings/ErrorKind';
import type { Problem } from './bindings/Problem';
import type { NewSession } from './bindings/NewSession';
import type { SessionSummary } from './bindings/SessionSummary';
import type { SessionView } from './bindings/SessionView';
import type { IntegrationNote } from './bindings/IntegrationNote';
import type { NewIntegrationNote } from './bindings/NewIntegrationNote';
import type { ReviewFilter } from './bindings/ReviewFilter';
import type { ReviewRow } from './bindings/ReviewRow';
import type { ChainCheck } from './bindings/ChainCheck';
import type { ReviewView } from './bindings/ReviewView';
import type { TimelineItem } from './bindings/TimelineItem';
import type { TimelinePage } from './bindings/TimelinePage';
import type { TimelineQuery } from './bindings/TimelineQuery';
import type { SearchHit } from './bindings/SearchHit';
import type { ImportResult } from './bindings/ImportResult';
import type { LibraryProtocols } from './bindings/LibraryProtocols';
import type { LoudnessFinished } from './bindings/LoudnessFinished';
import type { LoudnessProgress } from './bindings/LoudnessProgress';
import type { PlaylistDetails } from './bindings/PlaylistDetails';
import type { PendingEntry } from './bindings/PendingEntry';
import type { Effect } from './bindings/Effect';
import type { EffectStatus } from './bindings/EffectStatus';
import type { Format } from './bindings/Format';
import type { AuditFilter } from './bindings/AuditFilter';
import type { AuditRow } from './bindings/AuditRow';
import type { RemsView } from './bindings/RemsView';
import type { NewFiling } from './bindings/NewFiling';
import type { FilingDue } from './bindings/FilingDue';
import type { ClinicProfile } from './bindings/ClinicProfile';
import type { BillingView } from './bindings/BillingView';
import type { BillingCodes } from './bindings/BillingCodes';
import type { BackupView } from './bindings/BackupView';
import type { PracticeAction } from './bindings/PracticeAction';
import type { EntriesSavedPayload } from './bindings/EntriesSavedPayload';
import type { SaveFailedPayload } from './bindings/SaveFailedPayload';
import type { MonitorChangedPayload } from './bindings/MonitorChangedPayload';
import type { PlayPosition } from './bindings/PlayPosition';
import { EVENTS } from './bindings/events';
import type { AccessStatus } from './bindings/AccessStatus';
import type { FirstRun } from './bindings/FirstRun';
import type { Role } from './bindings/Role';
import type { User } from './bindings/User';

/** A failed command: `kind` is what the UI switches on; `message` is shown as written. */
export class BackendError extends Error {
  constructor(
    readonly kind: ErrorKind | 'ipc',
    message: string,
    /** Problems in a file the user gave, one each with file and line (the message lists them). */
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'BackendError';
  }
}

/**
 * The backend kept the entry because storage could not take it yet (busy, full, read-only,
 * failing). It is not an error of the user's: the entry shows as "not saved yet" and is saved
 * by itself; `entries-saved` brings it when it is.
 */
export class NotSavedYet extends BackendError {
  constructor(message: string) {
    super('not_saved_yet', message);
    this.name = 'NotSavedYet';
  }
}

/** A fresh name for one write, so sending it again (a retry, Enter twice) saves it once. */
export function newKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function isIpcError(e: unknown): e is { kind: ErrorKind; message: string; problems?: Problem[] } {
  return typeof e === 'object' && e !== null && 'kind' in e && 'message' in e;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    if (isIpcError(e))
      throw e.kind === 'not_saved_yet' ? new NotSavedYet(e.message) : new BackendError(e.kind, e.message, e.problems ?? []);
    throw new BackendError('ipc', typeof e === 'string' ? e : String(e));
  }
}

export const backend = {
  appInfo: () => call<AppInfo>('app_info'),
  // Access: who is signed in, the lock. While locked only these, the clock and music work.
  accessStatus: () => call<AccessStatus>('access_status'),
  /** Pushed on every sign-in, lock, unlock and PIN change. */
  onAccessChanged: (handler: (s: AccessStatus) => void): Promise<UnlistenFn> =>
    listen<AccessStatus>(EVENTS.accessChanged, (e) => handler(e.payload)),
  /** The clinic's first user, signed in; encrypts a record from before (can take seconds). */
  createFirstUser: (name: string, role: Role, passphrase: string) =>
    call<FirstRun>('create_first_user', { name, role, passphrase }),
  signIn: (userId: number, passphrase: string) => call<AccessStatus>('sign_in', { userId, passphrase }),
  lockScreen: () => call<AccessStatus>('lock_screen'),
  unlockWithPassphrase: (userId: number, passphrase: string) =>
    call<AccessStatus>('unlock_with_passphrase', { userId, passphrase }),
  unlockWithPin: (userId: number, pin: string) => call<AccessStatus>('unlock_with_pin', { userId, pin }),
  /** 4 to 12 digits; null clears the PIN. */
  setPin: (pin: string | null) => call<AccessStatus>('set_pin', { pin }),
  listUsers: () => call<User[]>('list_users'),
  /** Clinical directors only; the passphrase is the new user's first one. */
  addUser: (name: string, role: Role, passphrase: string) => call<User>('add_user', { name, role, passphrase }),
  deactivateUser: (userId: number) => call<User>('deactivate_user', { userId }),
  changePassphrase: (current: string, next: string) => call<null>('change_passphrase', { current, next }),
  setLockAfter: (minutes: number) => call<AccessStatus>('set_lock_after', { minutes }),
  clockNow: () => call<string>('clock_now'),
  /** Remembers the screens' theme and level; returns the preferences as written. */
  setAppearance: (appearance: Appearance) => call<Preferences>('set_appearance', { appearance }),
  /** Hides (true) or shows again the first-run list on the start screen; returns the preferences as written. */
  setFirstRunDismissed: (dismissed: boolean) => call<Preferences>('set_first_run_dismissed', { dismissed }),
  listSessions: () => call<SessionSummary[]>('list_sessions'),
  currentSession: () => call<SessionView | null>('current_session'),
  getSession: (sessionId: number) => call<SessionView>('get_session', { sessionId }),
  startSession: (newSession: NewSession) => call<SessionView>('start_session', { newSession }),
  // Writes of entries carry a key; each rejects with NotSavedYet when the entry was kept for later.
  recordDose: (sessionId: number, dose: DoseInput, key = newKey()) => call<Entry>('record_dose', { sessionId, dose, key }),
  addNote: (sessionId: number, text: string, theme = false, key = newKey()) =>
    call<Entry>('add_note', { sessionId, text, theme, key }),
  /** Entries kept because storage could not take them yet. */
  pendingWrites: () => call<PendingEntry[]>('pending_writes'),
  onPendingChanged: (handler: (pending: PendingEntry[]) => void): Promise<UnlistenFn> =>
    listen<PendingEntry[]>(EVENTS.pendingChanged, (e) => handler(e.payload)),
  onEntriesSaved: (handler: (p: EntriesSavedPayload) => void): Promise<UnlistenFn> =>
    listen<EntriesSavedPayload>(EVENTS.entriesSaved, (e) => handler(e.payload)),
  onSaveFailed: (handler: (p: SaveFailedPayload) => void): Promise<UnlistenFn> =>
    listen<SaveFailedPayload>(EVENTS.saveFailed, (e) => handler(e.payload)),
  /** Ends through the discharge gate; rejects with kind `discharge_blocked` unless overridden. */
  endSession: (sessionId: number, overrideReason: string | null = null) =>
    call<Entry>('end_session', { sessionId, overrideReason }),
  listProtocols: () => call<TemplateInfo[]>('list_protocols'),
  protocolDetails: (sessionId: number) => call<ProtocolDetails>('protocol_details', { sessionId }),
  /** The monitor state now, once; later states come through onMonitorChanged. */
  monitor: (sessionId: number) => call<MonitorView>('monitor', { sessionId }),
  /** Pushed when an entry is saved or a check falls due (never on a timer). */
  onMonitorChanged: (handler: (p: MonitorChangedPayload) => void): Promise<UnlistenFn> =>
    listen<MonitorChangedPayload>(EVENTS.monitorChanged, (e) => handler(e.payload)),
  recordVitals: (sessionId: number, vitals: Vitals, key = newKey()) =>
    call<Entry[]>('record_vitals', { sessionId, vitals, key }),
  ackFlag: (sessionId: number, flagId: string, actionTaken: string, key = newKey()) =>
    call<Entry>('ack_flag', { sessionId, flagId, actionTaken, key }),
  /** Marks a due, overdue or missed check missed, with the reason; it stays missed. */
  markCheckMissed: (sessionId: number, occurrenceId: string, reason: string, key = newKey()) =>
    call<Entry>('mark_check_missed', { sessionId, occurrenceId, reason, key }),
  recordChecklist: (sessionId: number, itemId: string, action: ChecklistAction, key = newKey()) =>
    call<Entry>('record_checklist', { sessionId, itemId, action, key }),
  /** An effect the protocol asks about, as observed, not observed or resolved `minutesAgo` ago. */
  recordEffect: (sessionId: number, effect: Effect, status: EffectStatus, minutesAgo = 0, key = newKey()) =>
    call<Entry>('record_effect', { sessionId, effect, status, minutesAgo, key }),
  /** Confirms the computed "ready to leave" time; rejects with `discharge_blocked` while a condition is open. */
  confirmReadyToLeave: (sessionId: number) => call<Entry>('confirm_ready_to_leave', { sessionId }),
  addTag: (sessionId: number, tagId: string, key = newKey()) => call<Entry>('add_tag', { sessionId, tagId, key }),
  // After the session: review, amend, sign, search, export.
  reviewList: (filter: ReviewFilter) => call<ReviewRow[]>('review_list', { filter }),
  /** Demo sessions are left out unless `includeDemo`. */
  searchEntries: (query: string, includeDemo = false) => call<SearchHit[]>('search_entries', { query, includeDemo }),
  /** Summary, chart and the first page of the timeline; later pages come from getTimelinePage. */
  /** `opened`: the user opened the review (audited), not a reload after an amendment. */
  getReview: (sessionId: number, aroundSeq: number | null = null, opened = false) =>
    call<ReviewView>('get_review', { sessionId, aroundSeq, opened }),
  getTimelinePage: (sessionId: number, query: TimelineQuery) =>
    call<TimelinePage>('get_timeline_page', { sessionId, query }),
  getTimelineItem: (sessionId: number, seq: number) => call<TimelineItem | null>('get_timeline_item', { sessionId, seq }),
  /** Recomputes the session's hash chain (on a worker thread): intact, or the first entry that no longer matches. */
  verifySession: (sessionId: number) => call<ChainCheck>('verify_session', { sessionId }),
  /** Amends as the signed-in user. */
  amendEntry: (sessionId: number, amendsSeq: number, reason: string, correction: string) =>
    call<Entry>('amend_entry', { sessionId, amendsSeq, reason, correction }),
  /** Signs as the signed-in user, who types their passphrase again. */
  signSession: (sessionId: number, passphrase: string, statement: string, openReason: string | null = null) =>
    call<Entry>('sign_session', { sessionId, passphrase, statement, openReason }),
  /** Adds a signed addendum as the signed-in user. */
  addAddendum: (sessionId: number, text: string) =>
    call<Entry>('add_addendum', { sessionId, text }),
  addIntegrationNote: (sessionId: number, note: NewIntegrationNote) =>
    call<IntegrationNote>('add_integration_note', { sessionId, note }),
  /** Writes a new file (mode 0600) in `outDir` and returns its path. */
  exportSession: (sessionId: number, format: Format, outDir: string) =>
    call<string>('export_session', { sessionId, format, outDir }),
  /** The audit log, newest first (clinical directors only). */
  auditLog: (filter: AuditFilter) => call<AuditRow[]>('audit_log', { filter }),
  /** Writes the filtered audit log as CSV to a new file in `outDir`; returns its path. */
  exportAudit: (filter: AuditFilter, outDir: string) => call<string>('export_audit', { filter, outDir }),
  /** Where an esketamine session's REMS form stands, and the submissions recorded. */
  remsStatus: (sessionId: number) => call<RemsView>('rems_status', { sessionId }),
  /** Records the form as submitted (the app never submits it). */
  recordRemsFiling: (sessionId: number, filing: NewFiling) => call<RemsView>('record_rems_filing', { sessionId, filing }),
  /** Forms due within two days or overdue. */
  remsDue: () => call<FilingDue[]>('rems_due'),
  billingCodes: (sessionId: number) => call<BillingView>('billing_codes', { sessionId }),
  saveBillingCodes: (sessionId: number, codes: BillingCodes) => call<BillingView>('save_billing_codes', { sessionId, codes }),
  backupStatus: () => call<BackupView>('backup_status'),
  /** Clinical directors only: an existing folder, as a full path, outside the data folder. */
  setBackupFolder: (folder: string, keepDays: number, keepMonths: number) =>
    call<BackupView>('set_backup_folder', { folder, keepDays, keepMonths }),
  backupNow: () => call<BackupView>('backup_now'),
  clinicProfile: () => call<ClinicProfile>('clinic_profile'),
  /** Clinical directors only; the saved (trimmed, checked) profile comes back. */
  saveClinicProfile: (profile: ClinicProfile) => call<ClinicProfile>('save_clinic_profile', { profile }),
  defaultExportFolder: () => call<string | null>('default_export_folder'),
  /** The system's folder chooser; null when the user cancels. */
  chooseExportFolder: (start: string) => call<string | null>('choose_export_folder', { start }),
  addDemoSession: () => call<number>('add_demo_session'),
  keepAwakeStatus: () => call<AwakeStatus>('keep_awake_status'),
  listPlaylists: () => call<PlaylistInfo[]>('list_playlists'),
  loadPlaylist: (path: string) => call<MusicState>('load_playlist', { path }),
  /** Status, loaded playlist (with its resolution) and settings: once, and after onMusicLoaded. */
  musicState: () => call<MusicState>('music_state'),
  /** The whole status, pushed when anything but the playhead changes. */
  onMusicStatus: (handler: (s: Status) => void): Promise<UnlistenFn> =>
    listen<Status>(EVENTS.musicStatus, (e) => handler(e.payload)),
  /** While playing: the playhead, every ten seconds of the track (lib/playhead.ts counts on between). */
  onMusicPosition: (handler: (p: PlayPosition) => void): Promise<UnlistenFn> =>
    listen<PlayPosition>(EVENTS.musicPosition, (e) => handler(e.payload)),
  /** Another playlist was loaded: ask musicState once. */
  onMusicLoaded: (handler: () => void): Promise<UnlistenFn> => listen<null>(EVENTS.musicLoaded, () => handler()),
  /** The app clock moved (test builds): the backend's time now. */
  onClockChanged: (handler: (nowIso: string) => void): Promise<UnlistenFn> =>
    listen<string>(EVENTS.clockChanged, (e) => handler(e.payload)),
  musicControl: (control: MusicControl) => call<Status>('music_control', { control }),
  outputDevices: () => call<string[]>('output_devices'),
  setOutputDevice: (device: string | null) => call<MusicState>('set_output_device', { device }),
  setMusicFolder: (folder: string) => call<MusicState>('set_music_folder', { folder }),
  runPreflight: (sessionId: number, plannedMinutes: number) =>
    call<Entry>('run_preflight', { sessionId, plannedMinutes }),
  // Settings / Library.
  playlistDetails: (path: string) => call<PlaylistDetails>('playlist_details', { path }),
  /** Starts analysis on a worker; progress comes as `loudness-progress`, the end as `loudness-finished`. */
  analyseLoudness: (path: string) => call<number>('analyse_loudness', { path }),
  cancelLoudness: () => call<boolean>('cancel_loudness'),
  importM3u: (path: string, title: string | null = null) => call<ImportResult>('import_m3u', { path, title }),
  exportPlaylistM3u8: (path: string, outDir: string) => call<string>('export_playlist_m3u8', { path, outDir }),
  libraryProtocols: () => call<LibraryProtocols>('library_protocols'),
  onLoudnessProgress: (handler: (p: LoudnessProgress) => void): Promise<UnlistenFn> =>
    listen<LoudnessProgress>(EVENTS.loudnessProgress, (e) => handler(e.payload)),
  onLoudnessFinished: (handler: (p: LoudnessFinished) => void): Promise<UnlistenFn> =>
    listen<LoudnessFinished>(EVENTS.loudnessFinished, (e) => handler(e.payload)),
  /** A preparation practice's start or end on the session's timeline. */
  logPractice: (sessionId: number, practice: string, action: PracticeAction, detail: string, key = newKey()) =>
    call<Entry>('log_practice', { sessionId, practice, action, detail, key }),
  /** The audio engine's reports, each with the timeline entry it became. */
  onMusicEvent: (handler: (payload: MusicEventPayload) => void): Promise<UnlistenFn> =>
    listen<MusicEventPayload>(EVENTS.musicEvent, (e) => handler(e.payload)),
  setFullscreen: async (on: boolean) => {
    try {
      await getCurrentWindow().setFullscreen(on);
    } catch (e) {
      throw new BackendError('ipc', String(e));
    }
  },
  isFullscreen: () => getCurrentWindow().isFullscreen(),
  /** Test builds only: moves the app clock forward. */
  advanceClock: (minutes: number) => call<string>('advance_clock', { minutes }),
};

export type Backend = typeof backend;
