export const EDGE_PRINCIPAL_OPTIONS = Symbol('EDGE_PRINCIPAL_OPTIONS');

export interface EdgePrincipalOptions {
  /** The service's own name: tokens signed for another service are refused. */
  audience: string;
  /** EDGE_PRINCIPAL_SECRET from the service's validated config. */
  secret: string;
}
