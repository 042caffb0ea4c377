/**
 * @jest-environment ./apps/audio-worker/test/support/onnx-environment.js
 */
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { EVENT_NAMES, RECORDING_RPC as R, type Principal } from '@platform/contracts';
import { waitFor } from '@platform/testing';
import { member } from '../apps/recordings/test/support/recordings-bed';
import { makeAudio } from '../apps/audio-worker/test/support/test-audio';
import { PipelineHarness } from './recording-pipeline-harness';

const JOB_QUEUE = 'audio-worker.recordings.analysis.requested';
const DLQ = `${JOB_QUEUE}.dlq`;
const RETRY_BASE_MS = 300;
const TONE = { hz: 1000, seconds: 3, amplitude: 0.5 };
/** 10 s: silence 2, tone 3, silence 2, tone 3 (40 % silence). */
const TEN_SECONDS = [{ silence: 2 }, { tone: TONE }, { silence: 2 }, { tone: TONE }];

/**
 * The recording pipeline on real infrastructure and real audio: recordings and the audio worker on
 * one vhost; the test plays storage (puts the file where the worker's local source reads it and
 * publishes `storage.upload.completed`).
 */
describe('recording pipeline: upload completed → audio worker → READY | FAILED', () => {
  const pipeline = new PipelineHarness();
  const org = randomUUID();
  let owner: Principal;

  beforeAll(async () => {
    await pipeline.start();
    // One job at a time, so the bounded-concurrency test can read the order of events.
    await pipeline.startWorker({
      AUDIO_JOB_CONCURRENCY: '1',
      AUDIO_JOB_RETRY_BASE_MS: String(RETRY_BASE_MS),
    });
    owner = member(org, ['owner'], 'STARTER');
  }, 120_000);
  afterAll(() => pipeline.stop(), 60_000);

  const newRecording = (title: string) => pipeline.recordings.call(R.create, { title }, owner);
  const status = (id: string) => pipeline.recordings.call(R.status, { recordingId: id }, owner);
  const uploaded = (recordingId: string, objectId: string, organizationId = org) =>
    pipeline.uploaded({ organizationId, recordingId, objectId });
  const objectPath = (objectId: string) => pipeline.objectPath(org, objectId);
  const settled = (id: string, timeoutMs = 60_000) =>
    waitFor(
      `recording ${id} READY or FAILED`,
      async () => {
        const current = await status(id);
        return current.status === 'READY' || current.status === 'FAILED' ? current : null;
      },
      { timeoutMs, intervalMs: 100 },
    );
  const startedAt = (recordingId: string) =>
    pipeline.tap
      .of(EVENT_NAMES.analysisProgressed, recordingId)
      .filter((event) => event.payload.stage === 'started')
      .map((event) => Date.parse(event.occurredAt));

  it('moves a recording UPLOADING → UPLOADED → PROCESSING → READY and serves its analysis', async () => {
    const recording = await newRecording('Tones');
    const objectId = randomUUID();
    await makeAudio(objectPath(objectId), TEN_SECONDS, 2, 'mp3');
    const size = (await stat(objectPath(objectId))).size;

    await uploaded(recording.id, objectId);
    const final = await settled(recording.id);

    expect(final).toMatchObject({ status: 'READY', progress: 100, failureReason: null });
    // UPLOADED wrote the hand-off to the worker in the same transaction (recordings' outbox).
    const handOff = await pipeline.recordings.admin.query(
      `SELECT payload FROM outbox_events WHERE routing_key = $1 AND payload->>'recordingId' = $2`,
      [EVENT_NAMES.analysisRequested, recording.id],
    );
    expect(handOff).toEqual([
      {
        payload: {
          organizationId: org,
          recordingId: recording.id,
          objectId,
          contentType: 'audio/mpeg',
          sizeBytes: size,
        },
      },
    ]);
    // PROCESSING: the worker reported its stages, in order, with a rising percentage.
    const progress = pipeline.tap.of(EVENT_NAMES.analysisProgressed, recording.id).map((e) => e.payload);
    expect(progress.map((p) => p.stage)).toEqual(
      expect.arrayContaining(['started', 'probed', 'waveform', 'transcript']),
    );
    const percents = progress.map((p) => p.percent as number);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));

    const read = await pipeline.recordings.call(R.get, { id: recording.id }, owner);
    expect(read).toMatchObject({ status: 'READY', sizeBytes: size, contentType: 'audio/mpeg' });
    expect(Math.abs(read.durationSeconds! - 10)).toBeLessThanOrEqual(0.08);
    const { analysis } = await pipeline.recordings.call(R.analysis, { id: recording.id }, owner);
    expect(analysis).toMatchObject({ codec: 'mp3', channels: 2, waveform: { points: 1000 } });
    expect(Math.abs(analysis.silence.ratio - 0.4)).toBeLessThanOrEqual(0.03);
    expect(analysis.transcript).toEqual({
      status: 'unavailable',
      provider: null,
      text: null,
      summary: null,
      reason: 'transcript unavailable: no transcription provider is configured',
    });
  });

  it('fails a poison file at once (FAILED with the reason) and parks its job in the DLQ', async () => {
    const before = await pipeline.recordings.vhost.readyCount(DLQ);
    const recording = await newRecording('Not audio');
    const objectId = randomUUID();
    await pipeline.putObject(org, objectId, Buffer.from('MZ this is an executable, not audio\n'.repeat(50)));

    await uploaded(recording.id, objectId);
    const final = await settled(recording.id);

    expect(final.status).toBe('FAILED');
    expect(final.failureReason).toMatch(/^UNDECODABLE: /);
    await waitFor(
      'the job in the DLQ',
      async () => (await pipeline.recordings.vhost.readyCount(DLQ)) === before + 1,
    );
    // Poison is not retried: one attempt.
    expect(startedAt(recording.id)).toHaveLength(1);
    expect(pipeline.tap.of(EVENT_NAMES.analysisFailed, recording.id).map((e) => e.payload)).toEqual([
      expect.objectContaining({ code: 'UNDECODABLE', attempts: 1 }),
    ]);
    await expect(pipeline.recordings.call(R.analysis, { id: recording.id }, owner)).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('retries a transient failure with backoff, then succeeds', async () => {
    const recording = await newRecording('Late object');
    const objectId = randomUUID();
    await uploaded(recording.id, objectId); // the object is not there yet

    // Attempt 2 began, so attempt 1 failed: now the object appears.
    await waitFor('a second attempt', () => startedAt(recording.id).length >= 2, { timeoutMs: 30_000 });
    await makeAudio(objectPath(objectId), [{ tone: TONE }], 1, 'wav');
    const final = await settled(recording.id);

    expect(final.status).toBe('READY');
    const starts = startedAt(recording.id);
    // The first retry waited at least the base backoff.
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(RETRY_BASE_MS);
  });

  it('gives up after its attempts (backoff doubling each time): FAILED SOURCE_UNAVAILABLE, job in the DLQ', async () => {
    const before = await pipeline.recordings.vhost.readyCount(DLQ);
    const recording = await newRecording('Never uploaded bytes');
    await uploaded(recording.id, randomUUID());

    const final = await settled(recording.id);

    expect(final.status).toBe('FAILED');
    expect(final.failureReason).toMatch(/^SOURCE_UNAVAILABLE: /);
    const starts = startedAt(recording.id);
    expect(starts).toHaveLength(3);
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(RETRY_BASE_MS);
    expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(2 * RETRY_BASE_MS);
    expect(pipeline.tap.of(EVENT_NAMES.analysisFailed, recording.id).map((e) => e.payload)).toEqual([
      expect.objectContaining({ code: 'SOURCE_UNAVAILABLE', attempts: 3 }),
    ]);
    await waitFor(
      'the job in the DLQ',
      async () => (await pipeline.recordings.vhost.readyCount(DLQ)) === before + 1,
    );
  });

  it('runs one job at a time with AUDIO_JOB_CONCURRENCY=1', async () => {
    const recordings = await Promise.all([1, 2, 3].map((i) => newRecording(`Queue ${i}`)));
    for (const recording of recordings) {
      const objectId = randomUUID();
      await makeAudio(objectPath(objectId), [{ tone: TONE }, { silence: 1 }], 1, 'flac');
      await uploaded(recording.id, objectId);
    }
    for (const recording of recordings) expect((await settled(recording.id)).status).toBe('READY');

    const ids = new Set(recordings.map((r) => r.id));
    const sequence = pipeline.tap.events
      .filter((e) => ids.has(e.payload.recordingId as string))
      .filter((e) => e.name === EVENT_NAMES.analysisCompleted || e.payload.stage === 'started')
      .map((e) => `${e.name === EVENT_NAMES.analysisCompleted ? 'done' : 'start'}:${e.payload.recordingId}`);
    // start A, done A, start B, done B, ...: never two jobs open at once.
    for (let i = 0; i < sequence.length; i += 2) {
      const [start, done] = [sequence[i], sequence[i + 1]];
      expect({ start, done: done?.replace('done:', 'start:') }).toEqual({ start, done: start });
    }
  });

  it('ignores an upload event of another organization naming this organization’s recording', async () => {
    const recording = await newRecording('Mine');
    const eventOfB = await uploaded(recording.id, randomUUID(), randomUUID());
    await waitFor('the event processed by recordings', async () => {
      const rows = await pipeline.recordings.admin.query(
        `SELECT 1 FROM processed_events WHERE consumer = 'recordings.upload-completed' AND event_id = $1`,
        [eventOfB.id],
      );
      return rows.length === 1;
    });
    expect(await status(recording.id)).toMatchObject({ status: 'UPLOADING' });
    const handOff = await pipeline.recordings.admin.query(
      `SELECT routing_key FROM outbox_events WHERE payload->>'recordingId' = $1 ORDER BY created_at`,
      [recording.id],
    );
    // Only the creation's own event (metering counts it); no hand-off to the audio worker.
    expect(handOff).toEqual([{ routing_key: 'recordings.recording.created' }]);
  });
});
