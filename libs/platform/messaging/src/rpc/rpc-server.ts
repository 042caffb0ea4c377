import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Channel, ConsumeMessage } from 'amqplib';
import { RPC_EXCHANGE, rpcEnvelopeSchema, type RpcReply } from '@platform/contracts';
import { DomainError, toRpcError } from '@platform/errors';
import { requestContext } from '@platform/logging';
import { rpcServerDuration } from '@platform/observability';
import type { AmqpConnection } from '../amqp/amqp-connection';
import type { ManagedChannel } from '../amqp/managed-channel';
import { QueueConsumer } from '../amqp/queue-consumer';
import type { MessagingLogger } from '../amqp/messaging-logger';
import { extractTraceContext } from '../amqp/trace-headers';
import { rpcQueueName, type RpcRoute } from './rpc-route';

export interface RpcServerOptions {
  service: string;
  prefetch: number;
  logger: MessagingLogger;
}

/**
 * Consumes `rpc.<service>` and answers each request on its reply-to address. Each pattern is a
 * binding of that queue to `platform.rpc`, so a pattern nobody serves is unroutable (the caller
 * learns at once). The request is acked only after the reply is sent; a crash before that
 * redelivers it, and the caller, whose reply channel is gone, has already timed out.
 */
export class RpcServer {
  private readonly routes = new Map<string, RpcRoute>();
  private consumer: QueueConsumer<Channel> | undefined;
  private readonly tracer = trace.getTracer('platform.messaging');

  constructor(
    private readonly connection: AmqpConnection,
    private readonly options: RpcServerOptions,
  ) {}

  register(route: RpcRoute): void {
    if (this.routes.has(route.pattern)) throw new Error(`RPC pattern "${route.pattern}" registered twice`);
    this.routes.set(route.pattern, route);
  }

  get patterns(): string[] {
    return [...this.routes.keys()];
  }

  start(): ManagedChannel {
    const queue = rpcQueueName(this.options.service);
    this.consumer ??= new QueueConsumer<Channel>(this.connection, {
      name: `rpc-server:${this.options.service}`,
      queue,
      prefetch: this.options.prefetch,
      declare: async (channel) => {
        await channel.assertExchange(RPC_EXCHANGE, 'direct', { durable: true });
        await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
        for (const pattern of this.routes.keys()) await channel.bindQueue(queue, RPC_EXCHANGE, pattern);
      },
      handle: (channel, message) => this.handle(channel, message),
    });
    return this.consumer.start();
  }

  /** Stops taking requests, lets in-flight ones finish, then closes the channel. */
  async stop(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }

  private async handle(channel: Channel, message: ConsumeMessage): Promise<void> {
    const pattern = message.fields.routingKey;
    const started = process.hrtime.bigint();
    const parentContext = extractTraceContext(message.properties.headers);
    const span = this.tracer.startSpan(
      `rpc ${pattern}`,
      { kind: SpanKind.SERVER, attributes: { 'messaging.system': 'rabbitmq', 'rpc.method': pattern } },
      parentContext,
    );
    let reply: RpcReply;
    try {
      const data = await context.with(trace.setSpan(parentContext, span), () =>
        this.dispatch(pattern, message),
      );
      reply = { ok: true, data };
    } catch (error) {
      reply = {
        ok: false,
        error: toRpcError(error, (errorId, err) =>
          this.options.logger.error({ err, errorId, pattern }, 'RPC handler failed unexpectedly'),
        ),
      };
      span.setStatus({ code: SpanStatusCode.ERROR, message: reply.error.message });
    }
    span.end();
    rpcServerDuration.observe(
      { pattern, outcome: reply.ok ? 'ok' : reply.error.code.toLowerCase() },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
    const { replyTo, correlationId } = message.properties;
    try {
      if (replyTo) {
        channel.sendToQueue(replyTo, Buffer.from(JSON.stringify(reply)), {
          correlationId,
          contentType: 'application/json',
        });
      }
      channel.ack(message);
    } catch (error) {
      // The channel died under us: the broker redelivers the request to a live consumer.
      this.options.logger.warn({ err: error, pattern }, 'RPC reply not sent; request will be redelivered');
    }
  }

  private async dispatch(pattern: string, message: ConsumeMessage): Promise<unknown> {
    const route = this.routes.get(pattern);
    if (!route) throw new DomainError('RPC_NO_ROUTE', `This service does not handle RPC "${pattern}"`);
    const envelope = rpcEnvelopeSchema.parse(JSON.parse(message.content.toString('utf8')));
    const data = route.schema ? route.schema.parse(envelope.data) : envelope.data;
    const ctx = {
      requestId: envelope.meta.requestId,
      organizationId: envelope.principal?.organizationId ?? undefined,
    };
    return requestContext.run(ctx, () => route.handle({ ...envelope, data }));
  }
}
