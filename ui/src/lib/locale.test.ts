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
