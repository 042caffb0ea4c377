import { Injectable } from '@nestjs/common';
import { PLANS, type PlanCode, type Principal } from '@platform/contracts';
import { ObjectRepository } from '../object/object.repository';
import { StorageQuotaExceededError } from '../shared/storage.errors';

/**
 * The plan's storage quota (PLANS[plan].storageBytes). The plan comes with the principal (the
 * gateway puts the organization's current plan in it, kept current by auth's plan events); a
 * principal without one is held to FREE, the smallest.
 */
@Injectable()
export class StorageQuota {
  constructor(private readonly objects: ObjectRepository) {}

  planOf(principal: Principal): PlanCode {
    return principal.plan ?? 'FREE';
  }

  /** Bytes still free for `objectId` (whose own bytes are not counted as used). Tenant transaction. */
  async room(principal: Principal, organizationId: string, objectId: string | null) {
    const plan = this.planOf(principal);
    const max = PLANS[plan].storageBytes;
    const usage = await this.objects.usageBytes(organizationId, objectId);
    return { plan, max, usage, free: Math.max(0, max - usage) };
  }

  /** Refuses (PLAN_LIMIT_REACHED naming limit, plan and usage) when `totalBytes` would not fit. */
  async assertFits(
    principal: Principal,
    organizationId: string,
    objectId: string | null,
    totalBytes: number,
  ) {
    const room = await this.room(principal, organizationId, objectId);
    if (totalBytes > room.free)
      throw new StorageQuotaExceededError(room.plan, room.max, room.usage, totalBytes);
    return room;
  }
}
