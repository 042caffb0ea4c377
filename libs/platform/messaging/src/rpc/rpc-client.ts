import { randomUUID } from 'node:crypto';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Channel, ConsumeMessage, Message } from 'amqplib';
import { RPC_EXCHANGE, type RpcEnvelope, type RpcReply } from '@platform/contracts';
import { fromRpcError } from '@platform/errors';
import { rpcClientDuration } from '@platform/observability';
import type { AmqpConnection } from '../amqp/amqp-connection';
import type { ManagedChannel } from '../amqp/managed-channel';
import { injectTraceHeaders } from '../amqp/trace-headers';
import {
  RpcBrokerUnavailableError,
  RpcConnectionLostError,
  RpcNoRouteError,
  RpcTimeoutError,
} from './rpc-errors';
import type { RpcCallOutcome } from './replayed-result';

const REPLY_QUEUE = 'amq.rabbitmq.reply-to';

interface PendingCall {
  pattern: string;
  resolve(value: RpcCallOutcome): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export interface RpcCallOptions {
  timeoutMs?: number;
}

/**
 * Request/reply over RabbitMQ direct reply-to. Requests go to the `platform.rpc` direct exchange
 * with the pattern as routing key, `mandatory` so an unbound pattern fails at once, and
 * `expiration` = timeout so a request nobody picked up in time is dropped rather than run late.
 */
export class RpcClient {
  private readonly pending = new Map<string, PendingCall>();
  private readonly channel: ManagedChannel;
  private readonly tracer = trace.getTracer('platform.messaging');

  constructor(
    private readonly connection: AmqpConnection,
    private readonly defaultTimeoutMs: number,
  ) {
    this.channel = connection.createChannel({
      name: 'rpc-client',
      setup: async (channel) => {
        channel.on('return', (message: Message) => this.onReturned(message));
        await channel.assertExchange(RPC_EXCHANGE, 'direct', { durable: true });
        await channel.consume(REPLY_QUEUE, (message) => this.onReply(message), { noAck: true });
      },
    });
    // Replies to calls made on a channel that died can never arrive.
    this.channel.on('lost', () => this.failAll((pattern) => new RpcConnectionLostError(pattern)));
  }

  async call<TResult = unknown, TData = unknown>(
    pattern: string,
    envelope: RpcEnvelope<TData>,
    options: RpcCallOptions = {},
  ): Promise<TResult> {
    return (await this.callWithMeta<TResult, TData>(pattern, envelope, options)).data;
  }

  /**
   * `call`, plus what the reply says about the answer: `replayed` when it is the stored response of
   * an earlier run of the same command (Idempotency-Key replay or a redelivered message).
   */
  async callWithMeta<TResult = unknown, TData = unknown>(
    pattern: string,
    envelope: RpcEnvelope<TData>,
    options: RpcCallOptions = {},
  ): Promise<RpcCallOutcome<TResult>> {
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const started = process.hrtime.bigint();
    const span = this.tracer.startSpan(`rpc ${pattern}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        'messaging.system': 'rabbitmq',
        'rpc.method': pattern,
        'messaging.destination.name': RPC_EXCHANGE,
      },
    });
    let outcome = 'ok';
    try {
      return (await this.send(
        pattern,
        envelope,
        timeoutMs,
        trace.setSpan(context.active(), span),
      )) as RpcCallOutcome<TResult>;
    } catch (error) {
      outcome = (error as { code?: string }).code?.toLowerCase() ?? 'error';
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
      rpcClientDuration.observe({ pattern, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  private async send(
    pattern: string,
    envelope: RpcEnvelope,
    timeoutMs: number,
    ctx: ReturnType<typeof context.active>,
  ): Promise<RpcCallOutcome> {
    // Fail fast while the broker is away: the reconnect loop brings the channel back by itself.
    if (!this.connection.isConnected) throw new RpcBrokerUnavailableError(pattern);
    const deadline = Date.now() + timeoutMs;
    let channel: Channel;
    try {
      channel = (await this.channel.waitForChannel(timeoutMs)) as Channel;
    } catch {
      throw new RpcTimeoutError(pattern, timeoutMs);
    }
    const correlationId = randomUUID();
    const meta = { ...envelope.meta };
    const headers = injectTraceHeaders({}, ctx);
    if (typeof headers.traceparent === 'string') meta.traceparent = headers.traceparent;
    const body = Buffer.from(JSON.stringify({ ...envelope, meta }));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.pending.delete(correlationId);
          reject(new RpcTimeoutError(pattern, timeoutMs));
        },
        Math.max(deadline - Date.now(), 1),
      );
      this.pending.set(correlationId, { pattern, resolve, reject, timer });
      channel.publish(RPC_EXCHANGE, pattern, body, {
        correlationId,
        // Unique per request (never per retry of the caller): the callee's command ledger records it
        // in the command's transaction, so a redelivery after a crash that followed the commit
        // answers the stored response instead of running the command again.
        messageId: randomUUID(),
        replyTo: REPLY_QUEUE,
        mandatory: true,
        expiration: String(timeoutMs),
        contentType: 'application/json',
        headers,
        timestamp: Math.floor(Date.now() / 1000),
      });
    });
  }

  private onReply(message: ConsumeMessage | null): void {
    if (!message) return;
    const call = this.settle(message.properties.correlationId);
    if (!call) return; // late reply to a call that already timed out
    try {
      const reply = JSON.parse(message.content.toString('utf8')) as RpcReply;
      if (reply.ok) call.resolve({ data: reply.data, replayed: reply.replayed === true });
      else call.reject(fromRpcError(reply.error, call.pattern));
    } catch (error) {
      call.reject(error as Error);
    }
  }

  private onReturned(message: Message): void {
    const call = this.settle(message.properties.correlationId);
    call?.reject(new RpcNoRouteError(call.pattern));
  }

  private settle(correlationId: string | undefined): PendingCall | undefined {
    if (!correlationId) return undefined;
    const call = this.pending.get(correlationId);
    if (!call) return undefined;
    this.pending.delete(correlationId);
    clearTimeout(call.timer);
    return call;
  }

  private failAll(makeError: (pattern: string) => Error): void {
    for (const [id, call] of this.pending) {
      this.pending.delete(id);
      clearTimeout(call.timer);
      call.reject(makeError(call.pattern));
    }
  }

  get inFlight(): number {
    return this.pending.size;
  }
}
