import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import AmendForm from './AmendForm.svelte';
import { item, note } from '../../lib/review-fixtures';

afterEach(() => {
  cleanup();
  clearMocks();
});

const entries = [item(1, note('BP 180/90')), item(2, { kind: 'signed', statement: '' })];

/** The backend's get_timeline_item over the fixture entries; other commands go to `other`. */
function backendWith(other: (cmd: string, args: unknown) => unknown = () => null) {
  return (cmd: string, args: unknown) => {
    if (cmd === 'get_timeline_item') {
      const { seq } = args as { seq: number };
      return entries.find((it) => it.entry.seq === seq) ?? null;
    }
    return other(cmd, args);
  };
}

describe('AmendForm', () => {
  it('sends the entry, reason and correction (the author is the signed-in user), then reports success', async () => {
    let asked: unknown;
    mockIPC(backendWith((cmd, args) => {
      asked = { cmd, args };
      return { id: 9, seq: 3 };
    }));
    const onSaved = vi.fn();
    const { getByTestId } = render(AmendForm, { sessionId: 4, item: entries[0], seq: 1, onSaved, onCancel: () => {} });
    expect(getByTestId('amend-original').textContent).toContain('BP 180/90');
    await fireEvent.input(getByTestId('amend-reason'), { target: { value: 'typo' } });
    await fireEvent.input(getByTestId('amend-correction'), { target: { value: 'BP 148/90' } });
    await fireEvent.click(getByTestId('amend-save'));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(asked).toEqual({
      cmd: 'amend_entry',
      args: { sessionId: 4, amendsSeq: 1, reason: 'typo', correction: 'BP 148/90' },
    });
  });

  it('looks up a typed entry number and shows its original text', async () => {
    mockIPC(backendWith());
    const { getByTestId } = render(AmendForm, { sessionId: 4, onSaved: () => {}, onCancel: () => {} });
    expect(getByTestId('amend-original').textContent).toContain('Choose the entry');
    await fireEvent.input(getByTestId('amend-seq'), { target: { value: '1' } });
    await waitFor(() => expect(getByTestId('amend-original').textContent).toContain('Original: BP 180/90'));
  });

  it('shows the refusal of a signed session', async () => {
    mockIPC(backendWith(() => {
      throw { kind: 'session_closed', message: 'session 4 is signed: it cannot be amended; add a signed addendum instead' };
    }));
    const onSaved = vi.fn();
    const { getByTestId, findByTestId } = render(AmendForm, { sessionId: 4, item: entries[0], seq: 1, onSaved, onCancel: () => {} });
    await fireEvent.input(getByTestId('amend-reason'), { target: { value: 'r' } });
    await fireEvent.input(getByTestId('amend-correction'), { target: { value: 'c' } });
    await fireEvent.click(getByTestId('amend-save'));
    const err = await findByTestId('amend-error');
    expect(err.textContent).toContain('is signed');
    expect(err.getAttribute('data-refused')).toBe('true');
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('refuses an unknown or unamendable entry before asking to amend it', async () => {
    const amend = vi.fn();
    mockIPC(backendWith(amend));
    const { getByTestId, findByTestId } = render(AmendForm, { sessionId: 4, seq: 2, onSaved: () => {}, onCancel: () => {} });
    await waitFor(() => expect(getByTestId('amend-original').textContent).toContain('Original'));
    await fireEvent.click(getByTestId('amend-save'));
    expect((await findByTestId('amend-error')).textContent).toContain('cannot be amended');
    await fireEvent.input(getByTestId('amend-seq'), { target: { value: '99' } });
    await waitFor(() => expect(getByTestId('amend-original').textContent).toContain('no entry #99'));
    await fireEvent.click(getByTestId('amend-save'));
    expect((await findByTestId('amend-error')).textContent).toContain('no entry #99');
    expect(amend).not.toHaveBeenCalled();
  });
});
