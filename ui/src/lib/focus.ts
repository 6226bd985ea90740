// Moves focus to an element when it appears. Used instead of the `autofocus` attribute, which
// browsers apply only on page load, so a panel opened from the keyboard is ready to type into.
export function focusOnMount(node: HTMLElement, enabled: boolean = true): void {
  if (enabled) queueMicrotask(() => node.focus());
}
