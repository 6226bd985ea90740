import { afterEach, describe, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { backend, BackendError } from './backend';

afterEach(() => clearMocks());

describe('backend', () => {
  it('passes arguments by name and returns what the command returned', async () => {
    let seen: unknown;
    mockIPC((cmd, args) => {
      seen = { cmd, args };
      return { id: 7, seq: 3, body: { kind: 'note', text: 'calm' } };
    });
    const entry = await backend.addNote(4, 'calm');
    expect(seen).toEqual({ cmd: 'add_note', args: { sessionId: 4, text: 'calm', theme: false } });
    expect(entry.seq).toBe(3);
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

  it('reports a transport failure as kind ipc', async () => {
    mockIPC(() => {
      throw 'command add_note not found';
    });
    const err = (await backend.addNote(1, 'x').catch((e: unknown) => e)) as BackendError;
    expect(err.kind).toBe('ipc');
  });
});
