/**
 * The nine deployables. Service names appear in RPC patterns, event routing keys, queue names,
 * database names and metrics labels: never rename one without a migration plan.
 */
export const SERVICE_NAMES = [
  'gateway',
  'auth',
  'payments',
  'recordings',
  'voice',
  'storage',
  'audio-worker',
  'campaigns',
  'analytics',
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Services reached over RabbitMQ RPC (everything but the gateway, which is the caller). */
export const BACKEND_SERVICES = SERVICE_NAMES.filter(
  (name): name is Exclude<ServiceName, 'gateway'> => name !== 'gateway',
);
export type BackendServiceName = (typeof BACKEND_SERVICES)[number];
