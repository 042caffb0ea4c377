/**
 * @jest-environment ./apps/audio-worker/test/support/onnx-environment.js
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EVENT_NAMES } from '@platform/contracts';
import { AmqpConnection, EventPublisher, silentLogger } from '@platform/messaging';
import { waitFor } from '@platform/testing';
import { makeAudio } from '../apps/audio-worker/test/support/test-audio';
import { addMember, register, type Account } from './support/accounts';
import type { ApiResponse } from './support/api-client';
import { GENEROUS_LIMITS, usePlatform } from './support/platform';

/** Written out from the plan table (not read from libs/contracts, the code under test). */
const FREE_MAX_RECORDINGS = 10;
/** Where the worker's local audio source reads objects (the test plays storage). */
const root = mkdtempSync(path.join(tmpdir(), 'e2e-recordings-'));

interface Recording {
  id: string;
  title: string;
  status: string;
  tags: string[];
}

/** Recordings through the gateway (issue 10): routes, plan limit, tenancy, and the pipeline to READY. */
describe('recordings through the gateway', () => {
  const suite = usePlatform({ ...GENEROUS_LIMITS, AUDIO_LOCAL_ROOT: root });
  let publisher: EventPublisher;
  let connection: AmqpConnection;

  beforeAll(async () => {
    connection = new AmqpConnection({
      url: suite.platform.backends.get('recordings')!.config.AMQP_URL,
      connectionName: 'e2e-storage-stand-in',
    });
    await connection.connect();
    publisher = new EventPublisher(connection, silentLogger);
  }, 30_000);
  afterAll(async () => {
    await connection?.close();
    await rm(root, { recursive: true, force: true });
  });

  const create = (account: Account, json: object) =>
    suite.api.post<Recording>('/v1/recordings', { token: account.tokens.accessToken, json });
  const expectProblem = (response: ApiResponse<unknown>, status: number, code: string) => {
    expect({ status: response.status, type: response.headers.get('content-type') }).toEqual({
      status,
      type: expect.stringContaining('application/problem+json'),
    });
    expect(response.body).toMatchObject({ code });
  };

  it('serves every route to the owner, and none of them across organizations (404 as if absent)', async () => {
    const ownerA = await register(suite.api, 'rec-a');
    const ownerB = await register(suite.api, 'rec-b');
    const made = await create(ownerA, { title: 'Board meeting', tags: ['board'] });
    expect(made.status).toBe(201);
    const id = made.body.id;
    const as = (account: Account) => ({ token: account.tokens.accessToken });

    expect((await suite.api.get(`/v1/recordings/${id}`, as(ownerA))).status).toBe(200);
    expect((await suite.api.get(`/v1/status/${id}`, as(ownerA))).body).toMatchObject({ status: 'UPLOADING' });
    expectProblem(await suite.api.get(`/v1/recordings/${id}/analysis`, as(ownerA)), 409, 'CONFLICT');
    const listed = await suite.api.get<{ items: Recording[] }>('/v1/recordings', {
      ...as(ownerA),
      query: { tags: 'board' },
    });
    expect(listed.body.items.map((r) => r.id)).toEqual([id]);

    for (const [method, route] of [
      ['GET', `/v1/recordings/${id}`],
      ['GET', `/v1/recordings/${id}/analysis`],
      ['GET', `/v1/status/${id}`],
      ['PATCH', `/v1/recordings/${id}`],
      ['DELETE', `/v1/recordings/${id}`],
    ] as const) {
      const response = await suite.api.call(method, route, {
        ...as(ownerB),
        json: method === 'PATCH' ? { title: 'Mine now' } : undefined,
      });
      expect({ method, route, status: response.status }).toEqual({ method, route, status: 404 });
    }
    expect((await suite.api.get<{ items: Recording[] }>('/v1/recordings', as(ownerB))).body.items).toEqual(
      [],
    );

    const patched = await suite.api.call<Recording>('PATCH', `/v1/recordings/${id}`, {
      ...as(ownerA),
      json: { tags: ['board', 'q4'] },
    });
    expect(patched.body).toMatchObject({ title: 'Board meeting', tags: ['board', 'q4'] });
    expect((await suite.api.call('DELETE', `/v1/recordings/${id}`, as(ownerA))).status).toBe(204);
    expect((await suite.api.get(`/v1/recordings/${id}`, as(ownerA))).status).toBe(404);
  });

  it('answers 403 problem+json naming the limit, plan and usage past FREE’s recordings', async () => {
    const owner = await register(suite.api, 'rec-free');
    for (let i = 0; i < FREE_MAX_RECORDINGS; i++)
      expect((await create(owner, { title: `R${i}` })).status).toBe(201);
    const refused = await create(owner, { title: 'One too many' });
    expectProblem(refused, 403, 'PLAN_LIMIT_REACHED');
    expect(refused.body).toMatchObject({
      limit: { name: 'recordings', plan: 'FREE', max: FREE_MAX_RECORDINGS, usage: FREE_MAX_RECORDINGS },
    });
  });

  it('replays a retried creation with the same Idempotency-Key', async () => {
    const owner = await register(suite.api, 'rec-idem');
    const send = () =>
      suite.api.post<Recording>('/v1/recordings', {
        token: owner.tokens.accessToken,
        json: { title: 'Once' },
        headers: { 'idempotency-key': 'rec-create-1' },
      });
    const first = await send();
    const second = await send();
    expect(first.status).toBe(201);
    expect({
      status: second.status,
      id: second.body.id,
      replayed: second.headers.get('idempotent-replayed'),
    }).toEqual({
      status: 201,
      id: first.body.id,
      replayed: 'true',
    });
  });

  it('validates input at the edge and lets viewers read but not write', async () => {
    const owner = await register(suite.api, 'rec-owner');
    // FREE allows one member: the organization buys STARTER (in auth, where invitations are capped).
    await suite.platform.setOrganizationPlan(owner.organizationId, 'STARTER');
    const viewer = await addMember(suite.api, suite.platform.mail, owner, 'viewer');
    expectProblem(await create(owner, { title: '' }), 400, 'VALIDATION_FAILED');
    expectProblem(
      await suite.api.get('/v1/recordings', { token: owner.tokens.accessToken, query: { sort: 'password' } }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await suite.api.get('/v1/recordings/not-a-uuid', { token: owner.tokens.accessToken }),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(await create(viewer, { title: 'Viewer wrote this' }), 403, 'FORBIDDEN');
    expect((await suite.api.get('/v1/recordings', { token: viewer.tokens.accessToken })).status).toBe(200);
    expectProblem(await suite.api.get('/v1/recordings'), 401, 'UNAUTHENTICATED');
  });

  it('takes a recording from upload to READY and serves its analysis', async () => {
    const owner = await register(suite.api, 'rec-flow');
    const made = await create(owner, { title: 'Tone test' });
    // Storage's part, played by the test: the bytes in its local layout, then its event.
    const objectId = randomUUID();
    const file = path.join(root, 'objects', owner.organizationId, objectId);
    const tone = { hz: 1000, seconds: 2, amplitude: 0.5 };
    await makeAudio(file, [{ silence: 1 }, { tone }, { silence: 1 }], 1, 'wav');
    const bytes = await readFile(file);
    await publisher.publishEvent(EVENT_NAMES.uploadCompleted, {
      organizationId: owner.organizationId,
      uploadId: objectId,
      sizeBytes: bytes.length,
      objectId,
      recordingId: made.body.id,
      contentType: 'audio/wav',
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });

    await waitFor(
      'READY through the gateway',
      async () =>
        (
          await suite.api.get<{ status: string }>(`/v1/status/${made.body.id}`, {
            token: owner.tokens.accessToken,
          })
        ).body.status === 'READY',
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const analysis = await suite.api.get<{
      analysis: { durationSeconds: number; silence: { ratio: number } };
    }>(`/v1/recordings/${made.body.id}/analysis`, { token: owner.tokens.accessToken });
    expect(analysis.status).toBe(200);
    expect(Math.abs(analysis.body.analysis.durationSeconds - 4)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(analysis.body.analysis.silence.ratio - 0.5)).toBeLessThanOrEqual(0.03);
  });
});
