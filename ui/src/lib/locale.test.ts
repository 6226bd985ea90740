import { expect, it } from 'vitest';
import { fixLocale } from './locale';

it('replaces a POSIX locale that Intl rejects', () => {
  const nav = { language: 'C', languages: ['C'] } as unknown as Navigator;
  fixLocale(nav);
  expect(() => new Intl.NumberFormat(nav.language)).not.toThrow();
  expect(nav.language).toBe('en-GB');
});

it('keeps a valid locale', () => {
  const nav = { language: 'de-DE', languages: ['de-DE'] } as unknown as Navigator;
  fixLocale(nav);
  expect(nav.language).toBe('de-DE');
});

it('writes every date one way: the locale medium date and a 24-hour time', async () => {
  const { formatDateTime, locale } = await import('./locale');
  const evening = new Date(2026, 11, 1, 20, 9, 21).toISOString();
  const shown = formatDateTime(evening);
  expect(shown).toBe(new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' }).format(new Date(evening)));
  expect(shown).toMatch(/2026/);
  expect(shown).toMatch(/20:09/);
  expect(shown).not.toMatch(/PM|\d+\/\d+\/\d+|2026-12-01/);
  expect(formatDateTime(null)).toBe('—');
  expect(formatDateTime('not a date')).toBe('—');
});
