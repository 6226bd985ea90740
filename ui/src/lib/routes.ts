import type { Route } from './bindings/Route';

/** Routes offered at session start, each with the built-in protocol it usually runs. */
export const ROUTES: { route: Route; label: string; protocol: string }[] = [
  { route: 'intramuscular', label: 'Intramuscular injection', protocol: 'im-ketamine' },
  { route: 'sublingual', label: 'Sublingual lozenge', protocol: 'sublingual-ketamine' },
  { route: 'intravenous', label: 'IV infusion', protocol: 'iv-ketamine' },
  { route: 'intranasal', label: 'Esketamine nasal spray', protocol: 'esketamine-rems' },
];

export function routeLabel(route: Route): string {
  return ROUTES.find((r) => r.route === route)?.label ?? route;
}
