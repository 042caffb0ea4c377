import { randomUUID } from 'node:crypto';
import {
  RECORDING_RPC,
  recordingsContract,
  expectMatchesContract,
  type Principal,
  type Role,
} from '@platform/contracts';
import { findTenantIsolationGaps } from '@platform/tenancy';
import { ServiceTestBed } from '@platform/testing';
import { recordingsService } from '../src/service-definition';

/** A signed-in member of `organizationId`, as the gateway puts them in the envelope. */
function member(organizationId: string, roles: Role[]): Principal {
  return {
    kind: 'user',
    userId: randomUUID(),
    organizationId,
    roles,
    scopes: [],
    apiKeyId: null,
    sessionId: randomUUID(),
    tokenId: randomUUID(),
  };
}

interface RecordingPage {
  items: { id: string; name: string; createdAt: string }[];
  nextCursor: string | null;
}

/** recordings through recordings's RPC patterns, on a fresh database and vhost. */
describe('recordings: recordings', () => {
  let bed: ServiceTestBed<never>;
  const orgA = randomUUID();
  const orgB = randomUUID();
  const ownerA = member(orgA, ['owner']);
  const ownerB = member(orgB, ['owner']);

  beforeAll(async () => {
    // The bed checks every reply against the contract as well.
    bed = (await ServiceTestBed.start(recordingsService, {
      contract: recordingsContract,
    })) as unknown as ServiceTestBed<never>;
  }, 60_000);
  afterAll(async () => {
    await bed?.stop();
  });

  const create = (name: string, principal: Principal) =>
    bed
      .call(RECORDING_RPC.create, { name }, principal)
      .then((result) => expectMatchesContract(recordingsContract, RECORDING_RPC.create, result)) as Promise<{
      id: string;
      name: string;
    }>;
  const list = (data: object, principal: Principal) =>
    bed
      .call(RECORDING_RPC.list, data, principal)
      .then((result) =>
        expectMatchesContract(recordingsContract, RECORDING_RPC.list, result),
      ) as Promise<RecordingPage>;

  it('creates, gets and pages through the recordings of the caller’s organization', async () => {
    const first = await create('First', ownerA);
    await create('Second', ownerA);
    await create('Third', ownerA);

    const got = await bed.call(RECORDING_RPC.get, { id: first.id }, ownerA);
    expect(expectMatchesContract(recordingsContract, RECORDING_RPC.get, got)).toMatchObject({
      id: first.id,
      name: 'First',
    });

    const page1 = await list({ limit: 2 }, ownerA);
    expect(page1.items.map((item) => item.name)).toEqual(['First', 'Second']);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await list({ limit: 2, cursor: page1.nextCursor }, ownerA);
    expect(page2.items.map((item) => item.name)).toEqual(['Third']);
    expect(page2.nextCursor).toBeNull();
  });

  it('never shows one organization’s recordings to another', async () => {
    const secret = await create('Only for A', ownerA);

    await expect(bed.call(RECORDING_RPC.get, { id: secret.id }, ownerB)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await list({}, ownerB)).items).toEqual([]);
    // A cursor of A's list is not a position in B's.
    const pageOfA = await list({ limit: 1 }, ownerA);
    await expect(
      bed.call(RECORDING_RPC.list, { limit: 1, cursor: pageOfA.nextCursor }, ownerB),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    // The id in `data` is all B controls; the organization always comes from the principal.
    const ownOfB = await create('B’s own', ownerB);
    expect((await list({}, ownerB)).items.map((item) => item.id)).toEqual([ownOfB.id]);
  });

  it('refuses callers without the permission and anonymous calls', async () => {
    const noRoles = member(orgA, []);
    await expect(bed.call(RECORDING_RPC.create, { name: 'x' }, noRoles)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(bed.call(RECORDING_RPC.list, {}, noRoles)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(bed.call(RECORDING_RPC.list, {}, null)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  it('refuses a request that breaks the contract', async () => {
    await expect(bed.call(RECORDING_RPC.create, { name: '' }, ownerA)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(bed.call(RECORDING_RPC.get, { id: 'not-a-uuid' }, ownerA)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('isolates the table by forced row-level security (database catalogue)', async () => {
    expect(await findTenantIsolationGaps(bed.admin)).toEqual([]);
  });
});
