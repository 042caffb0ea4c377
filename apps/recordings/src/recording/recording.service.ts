import { Injectable } from '@nestjs/common';
import {
  EVENT_NAMES,
  PLANS,
  type ContractRequest,
  type PlanCode,
  type Principal,
  type RECORDING_RPC,
  type recordingsContract,
} from '@platform/contracts';
import { DomainError, NotFoundError, PlanLimitReachedError } from '@platform/errors';
import { OutboxWriter } from '@platform/messaging';
import { currentTenantManager } from '@platform/tenancy';
import type { RecordingEntity } from './recording.entity';
import { RecordingRepository } from './recording.repository';

type Request<P extends (typeof RECORDING_RPC)[keyof typeof RECORDING_RPC]> = ContractRequest<
  typeof recordingsContract,
  P
>;

/**
 * The recording use cases. The organization comes from the caller's principal, never from input;
 * each runs in the handler's tenant transaction. Creating and deleting write their event (metering
 * counts recordings from them) to the outbox in that same transaction.
 */
@Injectable()
export class RecordingService {
  constructor(
    private readonly recordings: RecordingRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /**
   * The plan is the principal's (the gateway resolved it with the credential); a principal without
   * one is held to the smallest plan rather than to none.
   */
  async create(
    principal: Principal,
    organizationId: string,
    input: Request<'recordings.recording.create'>,
  ): Promise<RecordingEntity> {
    const plan: PlanCode = principal.plan ?? 'FREE';
    const max = PLANS[plan].maxRecordings;
    const usage = await this.recordings.countLiveLocked(organizationId);
    if (usage >= max) {
      throw new PlanLimitReachedError(
        { name: 'recordings', plan, max, usage },
        `The ${plan} plan allows ${max} recordings; delete one or upgrade the plan`,
      );
    }
    const recording = await this.recordings.insert({
      organizationId,
      // An organization code's x-user-id only attributes the recording to that member.
      ownerUserId: principal.userId ?? principal.attributedUserId ?? null,
      title: input.title,
      tags: input.tags,
      metadata: input.metadata,
    });
    await this.outbox.addEvent(currentTenantManager(), EVENT_NAMES.recordingCreated, {
      organizationId,
      recordingId: recording.id,
    });
    return recording;
  }

  /** NOT_FOUND for another organization's id and for a deleted one: all look the same on purpose. */
  async get(id: string, withAnalysis = false): Promise<RecordingEntity> {
    const found = await this.recordings.findLive(id, withAnalysis);
    if (!found) throw new NotFoundError('Recording', id);
    return found;
  }

  async analysis(
    id: string,
  ): Promise<RecordingEntity & { analysis: NonNullable<RecordingEntity['analysis']> }> {
    const recording = await this.get(id, true);
    if (recording.status !== 'READY' || !recording.analysis) {
      throw new DomainError('CONFLICT', `The recording is ${recording.status}: its analysis is not ready`, {
        status: recording.status,
        failureReason: recording.failureReason,
      });
    }
    return recording as RecordingEntity & { analysis: NonNullable<RecordingEntity['analysis']> };
  }

  list(organizationId: string, input: Request<'recordings.recording.list'>) {
    const { limit, cursor, sort, ...filter } = input;
    return this.recordings.listPage(organizationId, filter, sort, { limit, cursor });
  }

  async update(input: Request<'recordings.recording.update'>): Promise<RecordingEntity> {
    const { id, ...changes } = input;
    const updated = await this.recordings.update(id, changes);
    if (!updated) throw new NotFoundError('Recording', id);
    return updated;
  }

  async delete(organizationId: string, id: string): Promise<void> {
    if (!(await this.recordings.softDelete(id))) throw new NotFoundError('Recording', id);
    await this.outbox.addEvent(currentTenantManager(), EVENT_NAMES.recordingDeleted, {
      organizationId,
      recordingId: id,
    });
  }
}
