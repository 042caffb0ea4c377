import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@platform/contracts';

export function buildEventEnvelope<T>(
  routingKey: string,
  payload: T,
  options: { id?: string; occurredAt?: Date } = {},
): EventEnvelope<T> {
  return {
    id: options.id ?? randomUUID(),
    name: routingKey,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    payload,
  };
}
