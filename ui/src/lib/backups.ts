// The Backups section's words: one line per backup and for the last attempt.
import type { Listed } from './bindings/Listed';
import { formatDateTime } from './locale';

export function backupStateText(b: Listed): string {
  switch (b.state.state) {
    case 'verified':
      return 'verified';
    case 'not_verified':
      return `not verified: ${b.state.reason}`;
    case 'failed':
      return `failed: ${b.state.reason}`;
  }
}

export function backupLine(b: Listed): string {
  const when = b.created_at ? formatDateTime(b.created_at) : b.name;
  const size = b.size === null ? '' : ` · ${(b.size / 1_048_576).toFixed(1)} MB`;
  return `${when}${size} · ${backupStateText(b)}`;
}

/** Whole days and months as the fields hold them; null when not a whole number in range. */
export function keepProblem(days: string, months: string): string | null {
  const d = Number(days.trim());
  const m = Number(months.trim());
  if (!Number.isInteger(d) || d < 1 || d > 3650) return 'Keep every backup for 1 to 3650 days.';
  if (!Number.isInteger(m) || m < 0 || m > 1200) return 'Keep monthly backups for 0 to 1200 months.';
  return null;
}
