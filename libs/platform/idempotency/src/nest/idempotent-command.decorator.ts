import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import {
  IDEMPOTENT_COMMAND,
  IdempotentCommandInterceptor,
  type IdempotentCommandOptions,
} from './idempotent-command.interceptor';

/**
 * Opts an RPC command handler into idempotency (put it under the `@Svc.MessagePattern(...)`):
 * - its work runs in one tenant transaction from the envelope's principal (the handler gets it
 *   with `currentTenantManager()` / `TenantDatabase.manager`), which also records the AMQP message
 *   id, so a redelivery after a crash that followed the commit does not run it again;
 * - with `meta.idempotencyKey` (the gateway forwards `Idempotency-Key` on routes marked
 *   `idempotent: true`): per organization + principal, 24 h; same request → the stored response,
 *   flagged replayed (HTTP `Idempotent-Replayed: true`); another request → IDEMPOTENCY_KEY_REUSED
 *   (422); while the first runs → IDEMPOTENCY_KEY_IN_FLIGHT (409).
 * The service must include the `CreateIdempotencyTables1764050000000` migration and provide the
 * app `DataSource` (PersistenceModule). The caller's principal must belong to an organization.
 */
export const IdempotentCommand = (options: IdempotentCommandOptions = {}) =>
  applyDecorators(SetMetadata(IDEMPOTENT_COMMAND, options), UseInterceptors(IdempotentCommandInterceptor));
