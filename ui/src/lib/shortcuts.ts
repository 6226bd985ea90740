// The one keyboard map of the live screen. Every action has a key. With Alt the key works
// anywhere, including while typing a note; without Alt it works only when focus is not in a
// text field, so typing never fires a shortcut. Quick tags (from the protocol) add their own
// keys and must not take these (the backend's RESERVED_KEYS mirrors this list).

export type ActionId =
  | 'note'
  | 'dose'
  | 'vitals'
  | 'checklist'
  | 'ack'
  | 'end'
  | 'room'
  | 'fullscreen'
  | 'help'
  | 'music_toggle'
  | 'music_next'
  | 'music_previous'
  | 'volume_down'
  | 'volume_up'
  | 'music_fade'
  | 'phase_jump'
  | 'practice';

export interface Shortcut {
  action: ActionId;
  /** The key as `KeyboardEvent.key` gives it, lowercased ('d', '.', '?'). */
  key: string;
  label: string;
  group: 'Session' | 'Monitoring' | 'Music' | 'View';
}

export const SHORTCUTS: Shortcut[] = [
  { action: 'note', key: 'n', label: 'Focus the note box', group: 'Session' },
  { action: 'dose', key: 'd', label: 'Record a dose', group: 'Session' },
  { action: 'practice', key: 'p', label: 'Preparation practice', group: 'Session' },
  { action: 'end', key: 'e', label: 'End the session (discharge)', group: 'Session' },
  { action: 'vitals', key: 'v', label: 'Vitals and ratings', group: 'Monitoring' },
  { action: 'checklist', key: 'c', label: 'Checklists', group: 'Monitoring' },
  { action: 'ack', key: 'y', label: 'Acknowledge the oldest open flag', group: 'Monitoring' },
  { action: 'music_toggle', key: 'm', label: 'Pause or resume the music (ramped)', group: 'Music' },
  { action: 'music_next', key: '.', label: 'Next track (crossfaded)', group: 'Music' },
  { action: 'music_previous', key: ',', label: 'Previous track', group: 'Music' },
  { action: 'volume_down', key: '-', label: 'Volume down (ramped)', group: 'Music' },
  { action: 'volume_up', key: '=', label: 'Volume up (ramped)', group: 'Music' },
  { action: 'music_fade', key: 's', label: 'Fade to silence', group: 'Music' },
  { action: 'phase_jump', key: 'j', label: 'Jump to a playlist phase', group: 'Music' },
  { action: 'room', key: 'r', label: 'Room view (timer only, large)', group: 'View' },
  { action: 'fullscreen', key: 'f', label: 'Fullscreen', group: 'View' },
  { action: 'help', key: '?', label: 'This sheet (also F1)', group: 'View' },
];

/** Alt+L locks the screen, on every screen (App.svelte takes it before anything else sees it). */
export const LOCK_KEY = 'l';

export function isLockKey(e: KeyboardEvent): boolean {
  return e.altKey && !e.ctrlKey && !e.metaKey && !e.isComposing && eventKey(e) === LOCK_KEY;
}

/** Keys that are typed, not shortcuts, in these elements. */
export function isTextField(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(type);
  }
  return (el as HTMLElement).isContentEditable === true;
}

/** The key of an event as our maps spell it; Alt can change `key` on some layouts, so letters
 * and digits come from `code`. */
export function eventKey(e: KeyboardEvent): string {
  if (/^Key[A-Z]$/.test(e.code)) return e.code.slice(3).toLowerCase();
  if (/^Digit[0-9]$/.test(e.code)) return e.code.slice(5);
  const byCode: Record<string, string> = { Period: '.', Comma: ',', Minus: '-', Equal: '=', Slash: '/' };
  if (e.code in byCode && !(e.shiftKey && e.code === 'Slash')) return byCode[e.code];
  return e.key.toLowerCase();
}

export type Match = { kind: 'action'; action: ActionId } | { kind: 'tag'; tagId: string } | null;

/** What a key press means here, or null when it is typing (or nothing). */
export function matchShortcut(
  e: KeyboardEvent,
  target: Element | null,
  tags: { id: string; key: string }[],
): Match {
  if (e.ctrlKey || e.metaKey || e.isComposing) return null;
  if (e.key === 'F1') return { kind: 'action', action: 'help' };
  const typing = isTextField(target);
  if (typing && !e.altKey) return null;
  // With Alt held, the key that carries "?" may arrive as "/" without Shift (GTK does so for
  // Alt+?): Alt+? and Alt+/ are both the sheet.
  const key = e.key === '?' || (e.altKey && e.code === 'Slash' && (e.key === '/' || e.key === '?')) ? '?' : eventKey(e);
  const shortcut = SHORTCUTS.find((s) => s.key === key);
  if (shortcut) return { kind: 'action', action: shortcut.action };
  const tag = tags.find((t) => t.key.toLowerCase() === key);
  if (tag) return { kind: 'tag', tagId: tag.id };
  return null;
}

/** Keys used twice in the map (plus the given quick tags): each is a bug. */
export function collisions(tags: { id: string; key: string }[] = []): string[] {
  const seen = new Map<string, string>();
  const out: string[] = [];
  for (const [key, name] of [
    ...SHORTCUTS.map((s) => [s.key, s.action] as const),
    ...tags.map((t) => [t.key.toLowerCase(), `tag ${t.id}`] as const),
  ]) {
    const other = seen.get(key);
    if (other) out.push(`${key}: ${other} and ${name}`);
    else seen.set(key, name);
  }
  return out;
}
