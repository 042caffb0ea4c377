import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Channel, ConsumeMessage } from 'amqplib';
import { RPC_EXCHANGE, rpcEnvelopeSchema, type RpcErrorPayload, type RpcReply } from '@platform/contracts';
import { DomainError, toRpcError } from '@platform/errors';
import { requestContext } from '@platform/logging';
import { rpcServerDuration } from '@platform/observability';
import type { AmqpConnection } from '../amqp/amqp-connection';
import type { ManagedChannel } from '../amqp/managed-channel';
import { QueueConsumer } from '../amqp/queue-consumer';
import type { MessagingLogger } from '../amqp/messaging-logger';
import { extractTraceContext } from '../amqp/trace-headers';
import { ReplayedResult } from './replayed-result';
import { rpcQueueName, type RpcRoute } from './rpc-route';

export interface RpcServerOptions {
  service: string;
  prefetch: number;
  logger: MessagingLogger;
  /**
   * A queue of its own (default: the service's shared `rpc.<service>`), for patterns that need their
   * own prefetch. Its patterns are unbound from the shared queue, so a request never reaches both.
   */
  queue?: string;
}

const RPC_QUEUE_OPTIONS = { durable: true, arguments: { 'x-queue-type': 'classic' } };

/** Thrown by a handler pipeline that already shaped its error reply (the Nest exception filter). */
export class RpcErrorReply extends Error {
  constructor(readonly payload: RpcErrorPayload) {
    super(payload.message);
    this.name = 'RpcErrorReply';
  }
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

  get queue(): string {
    return this.options.queue ?? rpcQueueName(this.options.service);
  }

  /**
   * Registers routes on a server that may already be consuming (the Nest transport registers its
   * handlers after the core started): their bindings are added on the live channel, and every later
   * re-setup declares them with the rest.
   */
  async addRoutes(routes: RpcRoute[], timeoutMs: number): Promise<void> {
    for (const route of routes) this.register(route);
    const channel = await this.start().waitForChannel(timeoutMs);
    for (const route of routes) await this.bind(channel, route.pattern);
  }

  start(): ManagedChannel {
    const queue = this.queue;
    this.consumer ??= new QueueConsumer<Channel>(this.connection, {
      name: `rpc-server:${queue}`,
      queue,
      prefetch: this.options.prefetch,
      declare: async (channel) => {
        await channel.assertExchange(RPC_EXCHANGE, 'direct', { durable: true });
        await channel.assertQueue(queue, RPC_QUEUE_OPTIONS);
        for (const pattern of this.routes.keys()) await this.bind(channel, pattern);
      },
      handle: (channel, message) => this.handle(channel, message),
    });
    return this.consumer.start();
  }

  private async bind(channel: Channel, pattern: string): Promise<void> {
    const shared = rpcQueueName(this.options.service);
    if (this.queue !== shared) {
      // A pattern bound to two queues would run twice: take it off the shared queue (declared first,
      // since unbinding from a queue that does not exist is a channel error).
      await channel.assertQueue(shared, RPC_QUEUE_OPTIONS);
      await channel.unbindQueue(shared, RPC_EXCHANGE, pattern);
    }
    await channel.bindQueue(this.queue, RPC_EXCHANGE, pattern);
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
      // A replay (stored response of an earlier run) travels flagged; a first run carries no flag.
      reply = data instanceof ReplayedResult ? { ok: true, data: data.data, replayed: true } : { ok: true, data };
    } catch (error) {
      reply = {
        ok: false,
        error:
          error instanceof RpcErrorReply
            ? error.payload
            : toRpcError(error, (errorId, err) =>
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
    return requestContext.run(ctx, () => route.handle({ ...envelope, data }, message));
  }
}
