import { eventPayloadSchema } from '@platform/contracts';

/**
 * Checks a payload against its event's contract before it leaves: an event consumers would reject
 * as poison must fail at the producer. Returns the payload as given (unknown keys stay out of the
 * check's way: consumers parse with the same schema).
 */
export function contractPayload<T>(event: string, payload: T): T {
  const schema = eventPayloadSchema(event);
  if (!schema) throw new Error(`Event "${event}" is not declared in any service contract`);
  schema.parse(payload);
  return payload;
}
