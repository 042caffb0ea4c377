import { randomUUID } from 'node:crypto';
import {
  recordingsContract,
  type PlanCode,
  type Principal,
  type Role,
} from '@platform/contracts';
import { ServiceTestBed } from '@platform/testing';

import { recordingsService } from '../../src/service-definition';

export type RecordingsBed = ServiceTestBed<never, typeof recordingsContract>;

/** A signed-in member of `organizationId`, as the gateway puts them in the envelope. */
export function member(organizationId: string, roles: Role[], plan: PlanCode = 'FREE'): Principal {
  return {
    kind: 'user',
    userId: randomUUID(),
    organizationId,
    roles,
    scopes: [],
    apiKeyId: null,
    sessionId: randomUUID(),
    tokenId: randomUUID(),
    plan,
  };
}

export async function startRecordingsBed(env: Record<string, string> = {}): Promise<RecordingsBed> {
  return (await ServiceTestBed.start(recordingsService, {
    contract: recordingsContract,
    env,
  })) as unknown as RecordingsBed;
}
