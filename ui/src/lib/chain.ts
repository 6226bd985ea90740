// What the review screen says about a session's hash chain (ChainStatus.svelte).
import type { ChainCheck } from './bindings/ChainCheck';

export type ChainStatus =
  | { state: 'checking' | 'error'; title: string; detail: string }
  | { state: 'verified'; title: string; detail: string }
  | { state: 'broken'; title: string; detail: string; advice: string; seq: number; jump: number | null };

/** The first 16 hex characters of a chain head, as printed by `holdspace verify`. */
export function shortHead(head: string): string {
  return head.slice(0, 16);
}

export function chainStatus(check: ChainCheck | null, error: string | null = null): ChainStatus {
  if (error !== null) {
    return { state: 'error', title: 'The record could not be verified just now', detail: error };
  }
  if (check === null) return { state: 'checking', title: 'Verifying the record…', detail: '' };
  const b = check.broken;
  if (b === null) {
    const parts = [`chain head ${shortHead(check.head)}`];
    if (check.chained_late) {
      parts.push(`chained from version ${check.chained_late.from_version} on: changes before then cannot be detected`);
    }
    return { state: 'verified', title: 'Record verified', detail: parts.join(' · ') };
  }
  const where =
    b.part === 'integration_notes' ? `integration note ${b.seq}` : b.seq > 0 ? `entry ${b.seq}` : "the session's own record";
  return {
    state: 'broken',
    title: `This record was changed outside Holdspace: it no longer matches at ${where}`,
    detail: b.what.charAt(0).toUpperCase() + b.what.slice(1) + '.',
    advice:
      'What is shown below may not be what was written. Do not rely on this session until it is compared with a backup or an earlier export, and tell the clinical director.',
    seq: b.seq,
    jump: b.part === 'integration_notes' || b.seq <= 0 ? null : b.seq,
  };
}
