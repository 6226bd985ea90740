// The audit screen's vocabulary: every audited action's name as the director reads it. Typed
// by the generated AuditAction union, so an action added in Rust fails the build until named here.
import type { AuditAction } from './bindings/AuditAction';
import type { AuditFilter } from './bindings/AuditFilter';

export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  sign_in: 'Signed in',
  sign_in_failed: 'Sign-in failed',
  lock: 'Locked',
  unlock: 'Unlocked',
  review_opened: 'Opened a review',
  search: 'Searched',
  export: 'Exported',
  amendment: 'Amended',
  addendum: 'Added an addendum',
  signature: 'Signed',
  user_added: 'Added a user',
  user_deactivated: 'Deactivated a user',
  pin_changed: 'Changed a PIN',
  passphrase_changed: 'Changed a passphrase',
  recovery: 'Used the recovery key',
  settings_changed: 'Changed a setting',
  backup: 'Backed up',
  restore: 'Restored',
  verify: 'Verified the record',
  rems_filed: 'Recorded a REMS form as submitted',
  audit_export: 'Exported the audit log',
  audit_gap: 'Audit gap',
};

/** How many rows the screen shows at once (the CSV has them all). */
export const AUDIT_SCREEN_ROWS = 200;

/** The filter from the screen's fields: blank fields filter nothing; a session must be a whole number. */
export function auditFilter(user: string, session: string, action: string): { filter: AuditFilter } | { problem: string } {
  const s = session.trim();
  if (s !== '' && !/^\d{1,12}$/.test(s)) return { problem: `Session: "${s}" is not a session number (the number in the sessions list).` };
  return {
    filter: {
      user_name: user.trim() === '' ? null : user.trim(),
      session_id: s === '' ? null : Number(s),
      action: action === '' ? null : (action as AuditAction),
      limit: AUDIT_SCREEN_ROWS,
    },
  };
}
