import type { DataSource, EntityManager } from 'typeorm';
import type { Principal, RpcMeta } from '@platform/contracts';
import { runForPrincipal } from '@platform/tenancy';
import { executeCommandOnce, type CommandOutcome } from './command-once';
import { idempotencyScopeOf } from './idempotency-scope';
import type { ResponseCodec } from './response-codec';

export interface TenantCommand {
  /** The RPC pattern. */
  command: string;
  principal: Principal | null;
  data: unknown;
  meta: Pick<RpcMeta, 'idempotencyKey'>;
  /** The AMQP message id of the delivery (the transport passes it). */
  messageId?: string;
  now?: Date;
  ttlMs?: number;
  codec?: ResponseCodec;
}

/**
 * What the RPC transport calls around an opted-in command handler: one transaction with the
 * tenant of the envelope's principal, the message id and Idempotency-Key ledgers written in it.
 * `replayed` becomes the reply's flag (the gateway answers `Idempotent-Replayed: true`).
 */
export function runTenantCommand<T>(
  dataSource: DataSource,
  command: TenantCommand,
  work: (manager: EntityManager) => Promise<T>,
): Promise<CommandOutcome<T>> {
  return runForPrincipal(dataSource, command.principal, (manager) =>
    executeCommandOnce(
      manager,
      {
        command: command.command,
        request: command.data,
        messageId: command.messageId,
        idempotencyKey: command.meta.idempotencyKey,
        scope: command.meta.idempotencyKey === undefined ? undefined : idempotencyScopeOf(command.principal),
        now: command.now,
        ttlMs: command.ttlMs,
        codec: command.codec,
      },
      work,
    ),
  );
}
