import {
  context,
  propagation,
  type Context,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';

type AmqpHeaders = Record<string, unknown>;

const setter: TextMapSetter<AmqpHeaders> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/** AMQP header values arrive as strings or Buffers depending on the publisher. */
const getter: TextMapGetter<AmqpHeaders | undefined> = {
  keys: (carrier) => Object.keys(carrier ?? {}),
  get: (carrier, key) => {
    const value = carrier?.[key];
    if (value === undefined || value === null) return undefined;
    return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  },
};

/** Writes the W3C `traceparent`/`tracestate` of `ctx` into AMQP message headers. */
export function injectTraceHeaders(headers: AmqpHeaders, ctx: Context = context.active()): AmqpHeaders {
  propagation.inject(ctx, headers, setter);
  return headers;
}

/** The context carried by a message's headers, to parent the consumer's span. */
export function extractTraceContext(headers: AmqpHeaders | undefined): Context {
  return propagation.extract(context.active(), headers, getter);
}
