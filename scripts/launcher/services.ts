/**
 * The nine services the launcher runs, with their default internal HTTP ports (health and metrics;
 * the gateway's is the public port, its health and metrics are on its internal port) and their databases.
 */
import { SERVICE_DATABASES } from '../db/create-databases';

export interface ServiceDefinition {
  /** Folder under apps/ and dist/apps/. */
  readonly name: string;
  readonly defaultPort: number;
  /** Variable that overrides the port. */
  readonly portVariable: string;
  /** PostgreSQL database of the service; the gateway has none. */
  readonly database?: string;
  /** The gateway's internal port (detailed readiness, metrics) and the variable that overrides it. */
  readonly internalPort?: { readonly defaultPort: number; readonly variable: string };
}

/** `audio-worker` -> `AUDIO_WORKER`: the prefix of a service's own variables. */
export function envPrefix(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

function backend(name: keyof typeof SERVICE_DATABASES, defaultPort: number): ServiceDefinition {
  return {
    name,
    defaultPort,
    portVariable: `${envPrefix(name)}_HTTP_PORT`,
    database: SERVICE_DATABASES[name],
  };
}

export const SERVICES: readonly ServiceDefinition[] = [
  {
    name: 'gateway',
    defaultPort: 3000,
    portVariable: 'GATEWAY_PORT',
    internalPort: { defaultPort: 3100, variable: 'GATEWAY_INTERNAL_PORT' },
  },
  backend('auth', 3101),
  backend('payments', 3102),
  backend('recordings', 3103),
  backend('voice', 3104),
  backend('storage', 3105),
  backend('audio-worker', 3106),
  backend('campaigns', 3107),
  backend('analytics', 3108),
];
