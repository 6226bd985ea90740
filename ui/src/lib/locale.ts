// WebKitGTK reports the POSIX locale "C" as navigator.language when LANG is unset or C (as on
// a bare machine or CI), and Intl rejects it: libraries that format numbers at load time
// (uPlot) would then stop the whole app from starting. Fall back to a valid tag.
function validTag(tag: string): boolean {
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

export function fixLocale(nav: Navigator = navigator): void {
  if (validTag(nav.language)) return;
  const fallback = nav.languages?.find(validTag) ?? 'en-GB';
  Object.defineProperty(nav, 'language', { get: () => fallback, configurable: true });
}

fixLocale();
