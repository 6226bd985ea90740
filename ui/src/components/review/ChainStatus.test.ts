import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import ChainStatus from './ChainStatus.svelte';
import type { ChainCheck } from '../../lib/bindings/ChainCheck';
import { chainStatus } from '../../lib/chain';

afterEach(() => {
  cleanup();
  clearMocks();
});

const head = '3f2a9c0d1e4b5a6f7788990011223344556677889900aabbccddeeff00112233';
const intact: ChainCheck = {
  session_id: 4,
  client_code: 'K-042',
  entries: 12,
  head,
  integration_notes: 1,
  chained_late: null,
  broken: null,
};

function answering(check: ChainCheck | Error) {
  const asked: unknown[] = [];
  mockIPC((cmd, args) => {
    asked.push({ cmd, args });
    if (cmd !== 'verify_session') return null;
    if (check instanceof Error) throw { kind: 'storage', message: check.message };
    return check;
  });
  return asked;
}

describe('ChainStatus', () => {
  it('says "Record verified" with the first 16 hex of the head, calmly (no alert)', async () => {
    const asked = answering(intact);
    const { findByTestId, queryByRole } = render(ChainStatus, { sessionId: 4, onShow: () => {} });
    const line = await findByTestId('chain-status');
    await waitFor(() => expect(line.dataset.state).toBe('verified'));
    expect(line.textContent).toContain('Record verified');
    expect(line.textContent).toContain('3f2a9c0d1e4b5a6f');
    expect(line.textContent).not.toContain(head);
    expect(line.textContent).not.toContain('chained from');
    expect(queryByRole('alert')).toBeNull();
    expect(asked).toEqual([{ cmd: 'verify_session', args: { sessionId: 4 } }]);
  });

  it('says a session chained late is verified only from the upgrade on', async () => {
    answering({ ...intact, chained_late: { from_version: 9, at: '2026-11-30T09:00:00Z', entries: 12 } });
    const { findByTestId } = render(ChainStatus, { sessionId: 4, onShow: () => {} });
    const line = await findByTestId('chain-status');
    await waitFor(() => expect(line.textContent).toContain('chained from version 9 on'));
    expect(line.textContent).toContain('changes before then cannot be detected');
  });

  it('shows a warning banner naming the first broken entry, and jumps to it', async () => {
    const what = 'entry 7 (note) no longer matches what was saved: its words, time, author or place in the record were changed, or an entry before it was removed';
    answering({ ...intact, broken: { part: 'timeline', seq: 7, what } });
    const onShow = vi.fn();
    const { findByTestId, getByRole, queryByTestId, getByTestId } = render(ChainStatus, { sessionId: 4, onShow });
    const banner = await findByTestId('chain-broken');
    expect(getByRole('alert')).toBe(banner);
    expect(banner.textContent).toContain('no longer matches at entry 7');
    expect(getByTestId('chain-broken-what').textContent).toContain('Entry 7 (note) no longer matches what was saved');
    expect(queryByTestId('chain-status')).toBeNull();
    await fireEvent.click(getByTestId('chain-open-entry'));
    expect(onShow).toHaveBeenCalledWith(7);
  });

  it('names a broken integration note without a jump to a timeline entry', async () => {
    answering({ ...intact, broken: { part: 'integration_notes', seq: 2, what: 'integration note 2 no longer matches what was saved' } });
    const { findByTestId, queryByTestId } = render(ChainStatus, { sessionId: 4, onShow: () => {} });
    const banner = await findByTestId('chain-broken');
    expect(banner.textContent).toContain('at integration note 2');
    expect(queryByTestId('chain-open-entry')).toBeNull();
  });

  it('says when the check itself failed, without claiming the record is verified or broken', async () => {
    answering(new Error('the record could not be read'));
    const { findByTestId, queryByTestId } = render(ChainStatus, { sessionId: 4, onShow: () => {} });
    const line = await findByTestId('chain-status');
    await waitFor(() => expect(line.dataset.state).toBe('error'));
    expect(line.textContent).toContain('could not be verified');
    expect(line.textContent).toContain('the record could not be read');
    expect(line.textContent).not.toContain('Record verified');
    expect(queryByTestId('chain-broken')).toBeNull();
  });
});

describe('chainStatus', () => {
  it('is "checking" until the answer comes', () => {
    expect(chainStatus(null).state).toBe('checking');
  });
  it('names the session record when the break has no entry', () => {
    const s = chainStatus({ ...intact, broken: { part: 'session', seq: 0, what: 'the session is marked signed but its signature entry is missing' } });
    expect(s.state === 'broken' && s.jump).toBe(null);
    expect(s.title).toContain("the session's own record");
  });
});
