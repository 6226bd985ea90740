// Loads uPlot on demand. uPlot builds an Intl.NumberFormat from navigator.language when its
// module is evaluated; under a POSIX locale (LANG=C) WebKit reports "C", which is no language
// tag, and the whole app would fail to start. Such a value is replaced before loading.
import type uPlot from 'uplot';

export async function loadUplot(): Promise<typeof uPlot> {
  try {
    new Intl.NumberFormat(navigator.language);
  } catch {
    Object.defineProperty(navigator, 'language', { value: 'en-US', configurable: true });
  }
  return (await import('uplot')).default;
}
