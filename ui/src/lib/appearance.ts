// Which theme and level a screen is drawn in. The session screens (start, live, room view)
// are always dim: the room is dark. Review, sessions and settings follow the setting: dim,
// day, or the system's preference. The darker level lowers every dim screen further.
import type { Appearance } from './bindings/Appearance';

export type Screen = 'session' | 'desk';
export type Drawn = { theme: 'dim' | 'day'; level: 'standard' | 'darker' };

export const DEFAULT_APPEARANCE: Appearance = { theme: 'system', dim_level: 'standard' };

export function drawn(screen: Screen, a: Appearance, systemPrefersDark: boolean): Drawn {
  const theme = screen === 'session' || a.theme === 'dim' || (a.theme === 'system' && systemPrefersDark) ? 'dim' : 'day';
  return { theme, level: theme === 'dim' ? a.dim_level : 'standard' };
}

/** Puts the theme on the document (theme.css reads `data-theme` and `data-level`). */
export function apply(d: Drawn, root: HTMLElement = document.documentElement): void {
  root.dataset.theme = d.theme;
  root.dataset.level = d.level;
}

/** The system's preference now, and a way to hear when it changes. */
export function systemPrefersDark(): MediaQueryList | null {
  return typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
}
