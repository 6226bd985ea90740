import { describe, expect, it } from 'vitest';
import { apply, drawn } from './appearance';

describe('drawn', () => {
  it('keeps the session screens dim whatever the setting', () => {
    for (const theme of ['system', 'dim', 'day'] as const) {
      expect(drawn('session', { theme, dim_level: 'standard' }, false)).toEqual({ theme: 'dim', level: 'standard' });
    }
    expect(drawn('session', { theme: 'day', dim_level: 'darker' }, false)).toEqual({ theme: 'dim', level: 'darker' });
  });

  it('draws review and settings as set, or as the system prefers', () => {
    expect(drawn('desk', { theme: 'day', dim_level: 'standard' }, true).theme).toBe('day');
    expect(drawn('desk', { theme: 'dim', dim_level: 'standard' }, false).theme).toBe('dim');
    expect(drawn('desk', { theme: 'system', dim_level: 'standard' }, true).theme).toBe('dim');
    expect(drawn('desk', { theme: 'system', dim_level: 'standard' }, false).theme).toBe('day');
  });

  it('applies the darker level only to a dim screen', () => {
    expect(drawn('desk', { theme: 'dim', dim_level: 'darker' }, false)).toEqual({ theme: 'dim', level: 'darker' });
    expect(drawn('desk', { theme: 'day', dim_level: 'darker' }, false)).toEqual({ theme: 'day', level: 'standard' });
  });

  it('puts the theme and level on the document', () => {
    const root = document.createElement('html');
    apply({ theme: 'dim', level: 'darker' }, root);
    expect([root.dataset.theme, root.dataset.level]).toEqual(['dim', 'darker']);
  });
});
