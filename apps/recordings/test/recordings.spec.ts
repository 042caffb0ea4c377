import { randomUUID } from 'node:crypto';
import { RECORDING_RPC as R, type Principal } from '@platform/contracts';
import { findTenantIsolationGaps } from '@platform/tenancy';
import { member, startRecordingsBed, type RecordingsBed } from './support/recordings-bed';

/** Written out from the plan table (not read from libs/contracts, the code under test). */
const FREE_MAX_RECORDINGS = 10;

/** Recordings through the service's RPC patterns, on a fresh database and vhost (real infrastructure). */
describe('recordings: recordings (CRUD, lists, plan limit, tenancy)', () => {
  let bed: RecordingsBed;
  beforeAll(async () => {
    bed = await startRecordingsBed();
  }, 90_000);
  afterAll(() => bed?.stop());

  const create = (
    principal: Principal,
    title: string,
    extra: { tags?: string[]; metadata?: Record<string, string | number | boolean | null> } = {},
  ) => bed.call(R.create, { title, ...extra }, principal);

  it('creates, reads, updates and soft-deletes a recording', async () => {
    const owner = member(randomUUID(), ['owner']);
    const created = await create(owner, '  Llamada de ventas  ', {
      tags: ['Ventas', 'ventas', 'q3'],
      metadata: { agent: 'ana', score: 7 },
    });
    expect(created).toMatchObject({
      title: 'Llamada de ventas',
      tags: ['ventas', 'q3'],
      metadata: { agent: 'ana', score: 7 },
      ownerUserId: owner.userId,
      status: 'UPLOADING',
      progress: null,
      sizeBytes: null,
      durationSeconds: null,
      failureReason: null,
    });
    expect(await bed.call(R.get, { id: created.id }, owner)).toEqual(created);
    expect(await bed.call(R.status, { recordingId: created.id }, owner)).toMatchObject({
      recordingId: created.id,
      status: 'UPLOADING',
      progress: null,
    });

    const updated = await bed.call(
      R.update,
      { id: created.id, title: 'Renamed', metadata: { agent: 'luis' } },
      owner,
    );
    expect(updated).toMatchObject({ title: 'Renamed', tags: ['ventas', 'q3'], metadata: { agent: 'luis' } });

    expect(await bed.call(R.delete, { id: created.id }, owner)).toEqual({ deleted: true });
    await expect(bed.call(R.get, { id: created.id }, owner)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(bed.call(R.delete, { id: created.id }, owner)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(bed.call(R.update, { id: created.id, title: 'x' }, owner)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const [row] = await bed.admin.query(
      `SELECT deleted_at IS NOT NULL AS deleted FROM recordings WHERE id = $1`,
      [created.id],
    );
    expect(row).toEqual({ deleted: true });
    // Metering's events, written with each change (the refused second delete wrote none).
    const events = await bed.admin.query(
      `SELECT routing_key AS "routingKey", payload FROM outbox_events
        WHERE payload->>'recordingId' = $1 AND routing_key LIKE 'recordings.recording.%' ORDER BY occurred_at`,
      [created.id],
    );
    expect(events).toEqual([
      {
        routingKey: 'recordings.recording.created',
        payload: { organizationId: owner.organizationId, recordingId: created.id },
      },
      {
        routingKey: 'recordings.recording.deleted',
        payload: { organizationId: owner.organizationId, recordingId: created.id },
      },
    ]);
  });

  it('honours Idempotency-Key on create: a retry answers the first recording and makes no second', async () => {
    const owner = member(randomUUID(), ['owner']);
    const send = (title: string, key: string) =>
      bed.rpc.callWithMeta<{ id: string; title: string }>(R.create, {
        principal: owner,
        data: { title },
        meta: { requestId: randomUUID(), idempotencyKey: key },
      });
    const first = await send('Retried', 'create-once');
    const again = await send('Retried', 'create-once');
    expect(first.replayed).toBe(false);
    expect(again).toMatchObject({ replayed: true, data: { id: first.data.id } });
    await expect(send('Another body', 'create-once')).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    expect((await bed.call(R.list, {}, owner)).items.map((r) => r.id)).toEqual([first.data.id]);
  });

  it('answers 409 for the analysis of a recording that is not READY', async () => {
    const owner = member(randomUUID(), ['owner']);
    const created = await create(owner, 'Not analysed');
    await expect(bed.call(R.analysis, { id: created.id }, owner)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('filters by status, tags, title and date range, sorts, and pages with cursors', async () => {
    const owner = member(randomUUID(), ['owner'], 'STARTER');
    const titles = ['Delta 50%', 'alpha', 'Charlie', 'bravo', 'Echo'];
    const made = [];
    for (const [i, title] of titles.entries()) {
      made.push(await create(owner, title, { tags: i % 2 === 0 ? ['even', 'all'] : ['odd', 'all'] }));
    }
    // Fixtures the API cannot make directly: statuses, sizes and creation days (title n of the list:
    // size n × 100, created on January n + 1).
    await bed.admin.query(
      `UPDATE recordings SET status = 'READY', size_bytes = 100 * (array_position($2::text[], title)),
         created_at = timestamptz '2026-01-01' + (array_position($2::text[], title) || ' days')::interval
       WHERE organization_id = $1`,
      [owner.organizationId, titles],
    );
    await bed.admin.query(`UPDATE recordings SET status = 'FAILED' WHERE id = $1`, [made[4].id]);
    const list = (data: object) => bed.call(R.list, data, owner);
    const titlesOf = (page: { items: { title: string }[] }) => page.items.map((item) => item.title);

    expect(titlesOf(await list({}))).toEqual(['Echo', 'bravo', 'Charlie', 'alpha', 'Delta 50%']);
    expect(titlesOf(await list({ status: 'FAILED' }))).toEqual(['Echo']);
    expect(titlesOf(await list({ tags: 'even,all', sort: 'createdAt' }))).toEqual([
      'Delta 50%',
      'Charlie',
      'Echo',
    ]);
    expect(titlesOf(await list({ tags: ['odd'] }))).toEqual(['bravo', 'alpha']);
    expect(titlesOf(await list({ q: 'HARL' }))).toEqual(['Charlie']);
    // `%` is a character to find, not a wildcard.
    expect(titlesOf(await list({ q: '50%' }))).toEqual(['Delta 50%']);
    expect(titlesOf(await list({ q: '%' }))).toEqual(['Delta 50%']);
    expect(
      titlesOf(
        await list({
          createdFrom: '2026-01-03T00:00:00Z',
          createdTo: '2026-01-04T00:00:00Z',
          sort: 'createdAt',
        }),
      ),
    ).toEqual(['alpha', 'Charlie']);
    expect(titlesOf(await list({ sort: '-sizeBytes', limit: 2 }))).toEqual(['Echo', 'bravo']);

    // Byte order (COLLATE "C"): upper case before lower case, paged two at a time without gaps.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await list({ sort: 'title', limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...titlesOf(page));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['Charlie', 'Delta 50%', 'Echo', 'alpha', 'bravo']);

    const firstPage = await list({ sort: 'title', limit: 1 });
    await expect(list({ sort: '-title', cursor: firstPage.nextCursor })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(list({ cursor: 'bm90LWEtY3Vyc29y' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it(`holds a FREE organization to ${FREE_MAX_RECORDINGS} live recordings, even under a burst, and deletion frees a place`, async () => {
    const owner = member(randomUUID(), ['owner'], 'FREE');
    const attempts = await Promise.allSettled(
      Array.from({ length: FREE_MAX_RECORDINGS + 3 }, (_, i) => create(owner, `Recording ${i}`)),
    );
    const created = attempts.filter((a) => a.status === 'fulfilled');
    const refused = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(created).toHaveLength(FREE_MAX_RECORDINGS);
    expect(refused).toHaveLength(3);
    for (const refusal of refused) {
      expect(refusal.reason).toMatchObject({
        code: 'PLAN_LIMIT_REACHED',
        details: {
          limit: { name: 'recordings', plan: 'FREE', max: FREE_MAX_RECORDINGS, usage: FREE_MAX_RECORDINGS },
        },
      });
    }
    const one = (created[0] as PromiseFulfilledResult<{ id: string }>).value;
    await bed.call(R.delete, { id: one.id }, owner);
    await expect(create(owner, 'After a deletion')).resolves.toMatchObject({ title: 'After a deletion' });
  });

  it('never lets one organization read, list, change or delete another’s recordings', async () => {
    const ownerA = member(randomUUID(), ['owner']);
    const ownerB = member(randomUUID(), ['owner']);
    const secret = await create(ownerA, 'Only for A', { tags: ['secret'] });
    await bed.admin.query(`UPDATE recordings SET status = 'READY' WHERE id = $1`, [secret.id]);

    for (const call of [
      () => bed.call(R.get, { id: secret.id }, ownerB),
      () => bed.call(R.status, { recordingId: secret.id }, ownerB),
      () => bed.call(R.analysis, { id: secret.id }, ownerB),
      () => bed.call(R.update, { id: secret.id, title: 'Taken' }, ownerB),
      () => bed.call(R.delete, { id: secret.id }, ownerB),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    expect((await bed.call(R.list, { tags: 'secret' }, ownerB)).items).toEqual([]);
    await create(ownerA, 'Second of A');
    const pageOfA = await bed.call(R.list, { limit: 1 }, ownerA);
    expect(pageOfA.nextCursor).toEqual(expect.any(String));
    // A cursor of A's list is not a position in B's.
    await expect(bed.call(R.list, { limit: 1, cursor: pageOfA.nextCursor! }, ownerB)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await bed.call(R.get, { id: secret.id }, ownerA)).toMatchObject({
      title: 'Only for A',
      status: 'READY',
    });
  });

  it('checks permissions: viewers read only, anonymous callers nothing', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const viewer = member(org, ['viewer']);
    const billing = member(org, ['billing']);
    const recording = await create(owner, 'Shared');
    expect(await bed.call(R.get, { id: recording.id }, viewer)).toMatchObject({ id: recording.id });
    await expect(create(viewer, 'No')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(bed.call(R.update, { id: recording.id, title: 'No' }, viewer)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(bed.call(R.delete, { id: recording.id }, viewer)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(bed.call(R.list, {}, billing)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(bed.call(R.list, {}, null)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('refuses requests that break the contract', async () => {
    const owner = member(randomUUID(), ['owner']);
    const bad = [
      [R.create, { title: '' }],
      [R.create, { title: 'line\nbreak' }],
      [R.create, { title: 'ok', tags: ['Not A Tag!'] }],
      [
        R.create,
        { title: 'ok', metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) },
      ],
      [R.create, { title: 'ok', metadata: { nested: { no: true } } }],
      [R.get, { id: 'not-a-uuid' }],
      [R.update, { id: randomUUID() }],
      [R.list, { status: 'DONE' }],
      [R.list, { sort: 'owner' }],
      [R.list, { createdFrom: '2026-02-01T00:00:00Z', createdTo: '2026-01-01T00:00:00Z' }],
      [R.list, { limit: 101 }],
    ] as const;
    for (const [pattern, data] of bad) {
      await expect(
        bed.rpc.call(pattern, { principal: owner, data, meta: { requestId: randomUUID() } }),
      ).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
    }
  });

  it('isolates the table by forced row-level security (database catalogue)', async () => {
    expect(await findTenantIsolationGaps(bed.admin)).toEqual([]);
  });
});
