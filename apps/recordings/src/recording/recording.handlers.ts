import { Controller, UseInterceptors } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { RECORDING_RPC, recordingsContract, type ContractRequest, type Principal } from '@platform/contracts';
import { IdempotentCommand } from '@platform/idempotency';
import { contractHandlers, CurrentPrincipal, RequirePermission } from '@platform/messaging';
import { tenantOfPrincipal, TenantTransactionInterceptor } from '@platform/tenancy';
import { toRecordingDto } from './recording.mapper';
import { RecordingService } from './recording.service';

const Recordings = contractHandlers(recordingsContract);
type Request<P extends (typeof RECORDING_RPC)[keyof typeof RECORDING_RPC]> = ContractRequest<
  typeof recordingsContract,
  P
>;

/**
 * RPC handlers of recordings. The guard (`@RequirePermission`) runs first; then each handler
 * runs in a tenant transaction opened from the envelope's principal (TenantTransactionInterceptor,
 * or for the idempotent create the idempotency interceptor, which opens it itself), which every
 * query below uses. Requests are validated against the contract before a handler runs, and a
 * handler's return type must match the contract's result (it does not compile otherwise).
 */
@Controller()
export class RecordingHandlers {
  constructor(private readonly recordings: RecordingService) {}

  /** Idempotency-Key: a retried creation answers the first recording instead of making (and counting) a second. */
  @Recordings.MessagePattern(RECORDING_RPC.create)
  @RequirePermission('recordings:write')
  @IdempotentCommand()
  async create(
    @Payload() data: Request<typeof RECORDING_RPC.create>,
    @CurrentPrincipal() principal: Principal,
  ) {
    return toRecordingDto(await this.recordings.create(principal, tenantOfPrincipal(principal), data));
  }

  @Recordings.MessagePattern(RECORDING_RPC.get)
  @UseInterceptors(TenantTransactionInterceptor)
  @RequirePermission('recordings:read')
  async get(@Payload() data: Request<typeof RECORDING_RPC.get>) {
    return toRecordingDto(await this.recordings.get(data.id));
  }

  @Recordings.MessagePattern(RECORDING_RPC.list)
  @UseInterceptors(TenantTransactionInterceptor)
  @RequirePermission('recordings:read')
  async list(@Payload() data: Request<typeof RECORDING_RPC.list>, @CurrentPrincipal() principal: Principal) {
    const { rows, nextCursor } = await this.recordings.list(tenantOfPrincipal(principal), data);
    return { items: rows.map(toRecordingDto), nextCursor };
  }

  @Recordings.MessagePattern(RECORDING_RPC.update)
  @UseInterceptors(TenantTransactionInterceptor)
  @RequirePermission('recordings:write')
  async update(@Payload() data: Request<typeof RECORDING_RPC.update>) {
    return toRecordingDto(await this.recordings.update(data));
  }

  @Recordings.MessagePattern(RECORDING_RPC.delete)
  @UseInterceptors(TenantTransactionInterceptor)
  @RequirePermission('recordings:delete')
  async delete(
    @Payload() data: Request<typeof RECORDING_RPC.delete>,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.recordings.delete(tenantOfPrincipal(principal), data.id);
    return { deleted: true as const };
  }

  @Recordings.MessagePattern(RECORDING_RPC.analysis)
  @UseInterceptors(TenantTransactionInterceptor)
  @RequirePermission('recordings:read')
  async analysis(@Payload() data: Request<typeof RECORDING_RPC.analysis>) {
    const recording = await this.recordings.analysis(data.id);
    return { recordingId: recording.id, analysis: recording.analysis };
  }

  @Recordings.MessagePattern(RECORDING_RPC.status)
  @UseInterceptors(TenantTransactionInterceptor)
  @RequirePermission('recordings:read')
  async status(@Payload() data: Request<typeof RECORDING_RPC.status>) {
    const recording = await this.recordings.get(data.recordingId);
    return {
      recordingId: recording.id,
      status: recording.status,
      progress: recording.progress,
      failureReason: recording.failureReason,
      updatedAt: recording.updatedAt.toISOString(),
    };
  }
}
