import {
  Inject,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { AmqpContext, replayedResult } from '@platform/messaging';
import type { ResponseCodec } from '../response-codec';
import { runTenantCommand } from '../tenant-command';

export const IDEMPOTENT_COMMAND = 'platform:idempotent-command';

export interface IdempotentCommandOptions {
  /** How long an Idempotency-Key is kept (default 24 h). */
  ttlMs?: number;
  /**
   * A provider of the service that seals the stored answer (e.g. one holding a secret shown once);
   * resolved from the module graph. Default: stored as is.
   */
  responseCodec?: Type<ResponseCodec>;
}

/**
 * Runs an opted-in RPC command (`@IdempotentCommand()`) through the idempotency lib: one tenant
 * transaction from the envelope's principal (never `data`) in which the handler runs (it reaches it
 * through `currentTenantManager()` / `TenantDatabase.manager`), and in which the AMQP message id and,
 * when the caller sent one, the Idempotency-Key are recorded. A replay (same key and request, or a
 * redelivery of a message that already committed) answers the stored response without running the
 * handler, wrapped so the reply travels flagged `replayed: true`.
 *
 * Guards run before it (an unauthorised caller never touches the ledger); the contract pipe runs
 * inside it. It opens the tenant transaction itself: do not stack TenantTransactionInterceptor on
 * the same handler (the handler would run in a second transaction on another connection).
 */
@Injectable()
export class IdempotentCommandInterceptor implements NestInterceptor {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ctx = context.switchToRpc().getContext<unknown>();
    if (!(ctx instanceof AmqpContext) || ctx.kind !== 'rpc' || !ctx.envelope) {
      throw new Error('@IdempotentCommand() applies to RPC handlers served by the AMQP transport only');
    }
    const options =
      this.reflector.get<IdempotentCommandOptions | undefined>(IDEMPOTENT_COMMAND, context.getHandler()) ??
      {};
    const { principal, data, meta } = ctx.envelope;
    const messageId = ctx.message.properties.messageId as string | undefined;
    return from(
      runTenantCommand(
        this.dataSource,
        {
          command: ctx.pattern,
          principal,
          data,
          meta: { idempotencyKey: meta.idempotencyKey },
          messageId: messageId || undefined,
          ttlMs: options.ttlMs,
          codec: options.responseCodec
            ? this.moduleRef.get(options.responseCodec, { strict: false })
            : undefined,
        },
        // Subscribed inside the transaction's async context, so the handler sees its manager.
        () => lastValueFrom(next.handle(), { defaultValue: undefined }),
      ).then((outcome) => (outcome.replayed ? replayedResult(outcome.response) : outcome.response)),
    );
  }
}
