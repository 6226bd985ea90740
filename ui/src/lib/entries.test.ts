import { describe, expect, it } from 'vitest';
import type { Entry } from './bindings/Entry';
import { entryText, entryTime } from './entries';

const base = { id: 1, session_id: 1, seq: 1, at: '2026-01-15T09:00:00Z', author: 'Dr Rowe' };

describe('entry text and time', () => {
  it('shows the words the backend wrote, and T+ after the dose', () => {
    const e: Entry = {
      ...base,
      elapsed_ms: 95_000,
      body: { kind: 'note', text: 'said "floating" 🙂', theme: false },
      text: 'said "floating" 🙂',
    };
    expect(entryText(e)).toBe('said "floating" 🙂');
    expect(entryTime(e)).toBe('T+00:01:35');
  });
  it('shows the wall time before the first dose', () => {
    const e: Entry = { ...base, elapsed_ms: null, body: { kind: 'note', text: 'x', theme: false }, text: 'x' };
    expect(entryTime(e)).toMatch(/^\d\d:\d\d:\d\d$/);
  });
});
