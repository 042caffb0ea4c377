import { AUTH_ROUTES } from './auth.routes';
import { ORG_ROUTES } from './orgs.routes';
import { PAYMENTS_ROUTES } from './payments.routes';
import type { RouteDefinition } from './route-definition';
import { WELL_KNOWN_ROUTES } from './well-known.routes';
import { RECORDING_ROUTES } from './recordings.routes';

/**
 * THE route table of the public API. Routing, authentication, authorization, throttling,
 * validation and the OpenAPI document are all derived from these entries; nothing else declares a
 * public route. Add a service's routes as `<area>.routes.ts` and list them here.
 */
export const ROUTE_TABLE: readonly RouteDefinition[] = Object.freeze([
  ...AUTH_ROUTES,
  ...ORG_ROUTES,
  ...WELL_KNOWN_ROUTES,
  ...PAYMENTS_ROUTES,
  ...RECORDING_ROUTES,
]);
