import { afterEach, describe, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { backend, BackendError, NotSavedYet } from './backend';

afterEach(() => clearMocks());

describe('backend', () => {
  it('passes arguments by name and returns what the command returned', async () => {
    let seen: unknown;
    mockIPC((cmd, args) => {
      seen = { cmd, args };
      return { id: 7, seq: 3, body: { kind: 'note', text: 'calm' } };
    });
    const entry = await backend.addNote(4, 'calm', false, 'k1');
    expect(seen).toEqual({ cmd: 'add_note', args: { sessionId: 4, text: 'calm', theme: false, key: 'k1' } });
    expect(entry.seq).toBe(3);
  });

  it('gives every write its own key unless one is passed', async () => {
    const keys: string[] = [];
    mockIPC((_cmd, args) => {
      keys.push((args as { key: string }).key);
      return { id: 1, seq: 1, body: { kind: 'note', text: 'x' } };
    });
    await backend.addNote(1, 'a');
    await backend.addTag(1, 't');
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).not.toBe(keys[0]);
  });

  it('tells a kept entry (not saved yet) apart from a refusal', async () => {
    mockIPC(() => {
      throw { kind: 'not_saved_yet', message: 'Not saved yet: The disk is full (3 MB free on /data).' };
    });
    const err = await backend.addNote(1, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotSavedYet);
    expect((err as BackendError).kind).toBe('not_saved_yet');
  });

  it('turns a {kind, message} rejection into a BackendError the UI can switch on', async () => {
    mockIPC(() => {
      throw { kind: 'session_closed', message: 'session 4 has already ended' };
    });
    const err = await backend.endSession(4, '').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).kind).toBe('session_closed');
    expect((err as BackendError).message).toBe('session 4 has already ended');
  });

  it('keeps the problems of a file the user gave, each with its line', async () => {
    mockIPC(() => {
      throw { kind: 'invalid', message: 'a.m3u8:3: x.wv: cannot be decoded', problems: [{ file: 'a.m3u8', line: 3, message: 'x.wv: cannot be decoded' }] };
    });
    const err = (await backend.importM3u('/a.m3u8').catch((e: unknown) => e)) as BackendError;
    expect(err.problems).toEqual([{ file: 'a.m3u8', line: 3, message: 'x.wv: cannot be decoded' }]);
  });

  it('reports a transport failure as kind ipc', async () => {
    mockIPC(() => {
      throw 'command add_note not found';
    });
    const err = (await backend.addNote(1, 'x').catch((e: unknown) => e)) as BackendError;
    expect(err.kind).toBe('ipc');
  });
});
