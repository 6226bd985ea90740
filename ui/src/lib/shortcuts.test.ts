import { describe, expect, it } from 'vitest';
import { collisions, matchShortcut, SHORTCUTS } from './shortcuts';

// The default quick tags shipped in src-tauri/crates/monitoring/defaults/quick_tags.toml.
const DEFAULT_TAG_KEYS = 'tlwokquabgxzhi'.split('').map((key, i) => ({ id: `tag${i}`, key }));

function key(init: KeyboardEventInit & { code: string }): KeyboardEvent {
  return new KeyboardEvent('keydown', init);
}

const textarea = document.createElement('textarea');
const button = document.createElement('button');

describe('shortcut map', () => {
  it('puts no two actions on one key, quick tags included', () => {
    expect(collisions()).toEqual([]);
    expect(collisions(DEFAULT_TAG_KEYS)).toEqual([]);
  });

  it('reports a clinic tag that takes an app key', () => {
    expect(collisions([{ id: 'sleepy', key: 'V' }])).toEqual(['v: vitals and tag sleepy']);
  });

  it('gives every live action a key', () => {
    for (const s of SHORTCUTS) expect(s.key.length).toBe(1);
  });

  it('never fires while typing in a text field, except with Alt', () => {
    expect(matchShortcut(key({ key: 'v', code: 'KeyV' }), textarea, [])).toBeNull();
    expect(matchShortcut(key({ key: 't', code: 'KeyT' }), textarea, DEFAULT_TAG_KEYS)).toBeNull();
    expect(matchShortcut(key({ key: '?', code: 'Slash', shiftKey: true }), textarea, [])).toBeNull();
    expect(matchShortcut(key({ key: 'v', code: 'KeyV', altKey: true }), textarea, [])).toEqual({
      kind: 'action',
      action: 'vitals',
    });
  });

  it('fires plain keys outside text fields, quick tags too', () => {
    expect(matchShortcut(key({ key: 'd', code: 'KeyD' }), button, [])).toEqual({ kind: 'action', action: 'dose' });
    expect(matchShortcut(key({ key: 't', code: 'KeyT' }), button, DEFAULT_TAG_KEYS)).toEqual({
      kind: 'tag',
      tagId: 'tag0',
    });
    expect(matchShortcut(key({ key: '?', code: 'Slash', shiftKey: true }), button, [])).toEqual({
      kind: 'action',
      action: 'help',
    });
  });

  it('opens the sheet on Alt+? while typing, however the ? arrives', () => {
    for (const init of [
      { key: '?', code: 'Slash', altKey: true, shiftKey: true },
      { key: '/', code: 'Slash', altKey: true },
      { key: '/', code: 'Slash', altKey: true, shiftKey: true },
    ]) {
      expect(matchShortcut(key(init), textarea, [])).toEqual({ kind: 'action', action: 'help' });
    }
    expect(matchShortcut(key({ key: '/', code: 'Slash' }), textarea, [])).toBeNull();
  });

  it('reads letters from the physical key when Alt changes the character', () => {
    expect(matchShortcut(key({ key: '∂', code: 'KeyD', altKey: true }), textarea, [])).toEqual({
      kind: 'action',
      action: 'dose',
    });
  });

  it('leaves Ctrl and Meta combinations alone', () => {
    expect(matchShortcut(key({ key: 'c', code: 'KeyC', ctrlKey: true }), button, [])).toBeNull();
  });
});
