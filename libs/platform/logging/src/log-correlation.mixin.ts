import { isSpanContextValid, trace } from '@opentelemetry/api';
import { requestContext } from './request-context';

export interface LogCorrelationFields {
  requestId?: string;
  organizationId?: string;
  traceId?: string;
  spanId?: string;
}

/**
 * Fields that tie a log line to its request and trace, read at write time so that child loggers
 * created at boot still pick up the request they are logging for.
 */
export function logCorrelationMixin(): LogCorrelationFields {
  const fields: LogCorrelationFields = {};
  const ctx = requestContext.get();
  if (ctx) {
    fields.requestId = ctx.requestId;
    if (ctx.organizationId !== undefined) fields.organizationId = ctx.organizationId;
  }
  const spanContext = trace.getActiveSpan()?.spanContext();
  // A non-recording placeholder span has all-zero ids; logging them would join unrelated lines.
  if (spanContext && isSpanContextValid(spanContext)) {
    fields.traceId = spanContext.traceId;
    fields.spanId = spanContext.spanId;
  }
  return fields;
}
