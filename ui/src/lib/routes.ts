import type { Route } from './bindings/Route';
import { ROUTE_LABELS } from './bindings/labels';

export { ROUTE_LABELS };

/** Routes with a built-in protocol, each with the one it usually runs. Oral and other routes
 * are offered when the clinic has a template for them. */
export const ROUTES: { route: Route; label: string; protocol: string | null }[] = [
  { route: 'intramuscular', label: ROUTE_LABELS.intramuscular, protocol: 'im-ketamine' },
  { route: 'sublingual', label: ROUTE_LABELS.sublingual, protocol: 'sublingual-ketamine' },
  { route: 'intravenous', label: ROUTE_LABELS.intravenous, protocol: 'iv-ketamine' },
  { route: 'intranasal', label: ROUTE_LABELS.intranasal, protocol: 'esketamine-rems' },
  { route: 'oral', label: ROUTE_LABELS.oral, protocol: null },
  { route: 'other', label: ROUTE_LABELS.other, protocol: null },
];

export function routeLabel(route: Route): string {
  return ROUTE_LABELS[route] ?? route;
}
