import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, waitFor } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import AmendForm from './AmendForm.svelte';
import { item, note } from '../../lib/review-fixtures';

afterEach(() => {
  cleanup();
  clearMocks();
});

const items = [item(1, note('BP 180/90')), item(2, { kind: 'signed', statement: '' })];

describe('AmendForm', () => {
  it('sends the entry, reason, correction and author, then reports success', async () => {
    let asked: unknown;
    mockIPC((cmd, args) => {
      asked = { cmd, args };
      return { id: 9, seq: 3 };
    });
    const onSaved = vi.fn();
    const { getByTestId } = render(AmendForm, { sessionId: 4, items, seq: 1, author: 'Dr Rowe', onSaved, onCancel: () => {} });
    expect(getByTestId('amend-original').textContent).toContain('BP 180/90');
    await fireEvent.input(getByTestId('amend-reason'), { target: { value: 'typo' } });
    await fireEvent.input(getByTestId('amend-correction'), { target: { value: 'BP 148/90' } });
    await fireEvent.click(getByTestId('amend-save'));
    await waitFor(() => expect(onSaved).toHaveBeenCalled());
    expect(asked).toEqual({
      cmd: 'amend_entry',
      args: { sessionId: 4, amendsSeq: 1, reason: 'typo', correction: 'BP 148/90', author: 'Dr Rowe' },
    });
  });

  it('shows the refusal of a signed session', async () => {
    mockIPC(() => {
      throw { kind: 'session_closed', message: 'session 4 is signed: it cannot be amended; add a signed addendum instead' };
    });
    const onSaved = vi.fn();
    const { getByTestId, findByTestId } = render(AmendForm, { sessionId: 4, items, seq: 1, author: 'A', onSaved, onCancel: () => {} });
    await fireEvent.input(getByTestId('amend-reason'), { target: { value: 'r' } });
    await fireEvent.input(getByTestId('amend-correction'), { target: { value: 'c' } });
    await fireEvent.click(getByTestId('amend-save'));
    const err = await findByTestId('amend-error');
    expect(err.textContent).toContain('is signed');
    expect(err.getAttribute('data-refused')).toBe('true');
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('refuses an unknown or unamendable entry before calling the backend', async () => {
    const calls = vi.fn();
    mockIPC(calls);
    const { getByTestId, findByTestId } = render(AmendForm, { sessionId: 4, items, seq: 2, author: 'A', onSaved: () => {}, onCancel: () => {} });
    await fireEvent.click(getByTestId('amend-save'));
    expect((await findByTestId('amend-error')).textContent).toContain('cannot be amended');
    await fireEvent.input(getByTestId('amend-seq'), { target: { value: '99' } });
    await fireEvent.click(getByTestId('amend-save'));
    expect((await findByTestId('amend-error')).textContent).toContain('no entry #99');
    expect(calls).not.toHaveBeenCalled();
  });
});
