/**
 * @jest-environment ./apps/audio-worker/test/support/onnx-environment.js
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { EVENT_NAMES, RECORDING_RPC as R } from '@platform/contracts';
import { waitFor } from '@platform/testing';
import { member } from '../apps/recordings/test/support/recordings-bed';
import { ffmpegPath } from '../apps/audio-worker/src/analysis/ffmpeg';
import { forkWorker, PipelineHarness } from './recording-pipeline-harness';

/** Long enough that the analysis is still running when the worker is killed (seconds of work). */
const LONG_AUDIO_SECONDS = 240;

/**
 * Worker faults on real infrastructure: a job past its timeout is aborted, retried and failed with
 * TIMEOUT; a worker that dies mid-job (SIGKILL: no shutdown, no ack) loses nothing: the broker hands
 * the unacknowledged job to the next worker, which redoes it.
 */
describe('audio worker faults: job timeout, crash mid-job', () => {
  const pipeline = new PipelineHarness();
  let child: ChildProcess | undefined;

  beforeAll(() => pipeline.start(), 120_000);
  afterAll(async () => {
    child?.kill('SIGKILL');
    await pipeline.stop();
  }, 60_000);

  /** A long tone as FLAC where storage's local driver keeps object `objectId`. */
  const longObject = async (org: string, objectId: string) => {
    await mkdir(path.dirname(pipeline.objectPath(org, objectId)), { recursive: true });
    await promisify(execFile)(ffmpegPath(), [
      '-hide_banner',
      '-nostdin',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `sine=f=440:r=16000:d=${LONG_AUDIO_SECONDS}`,
      '-c:a',
      'flac',
      '-f',
      'flac',
      pipeline.objectPath(org, objectId),
    ]);
  };

  it('aborts a job past AUDIO_JOB_TIMEOUT_MS, retries it, then fails it with TIMEOUT (job in the DLQ)', async () => {
    const worker = await pipeline.startWorker({ AUDIO_JOB_TIMEOUT_MS: '300', AUDIO_JOB_MAX_ATTEMPTS: '2' });
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const recording = await pipeline.recordings.call(R.create, { title: 'Too long for the budget' }, owner);
    const objectId = randomUUID();
    await longObject(org, objectId);

    await pipeline.uploaded({
      organizationId: org,
      recordingId: recording.id,
      objectId,
      contentType: 'audio/flac',
    });
    const final = await waitFor(
      'FAILED after the timeouts',
      async () => {
        const status = await pipeline.recordings.call(R.status, { recordingId: recording.id }, owner);
        return status.status === 'FAILED' ? status : null;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );

    expect(final.failureReason).toBe('TIMEOUT: the analysis took longer than 300 ms');
    expect(pipeline.tap.of(EVENT_NAMES.analysisFailed, recording.id).map((e) => e.payload)).toEqual([
      expect.objectContaining({ code: 'TIMEOUT', attempts: 2 }),
    ]);
    await waitFor(
      'the job in the DLQ',
      async () =>
        (await pipeline.recordings.vhost.readyCount('audio-worker.recordings.analysis.requested.dlq')) === 1,
    );
    await pipeline.stopWorker(worker);
  }, 120_000);

  it('redoes the job on another worker: the recording still ends READY, analysed once to the end', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const recording = await pipeline.recordings.call(R.create, { title: 'Long call' }, owner);
    const objectId = randomUUID();
    await longObject(org, objectId);
    child = await forkWorker(pipeline, { AUDIO_JOB_CONCURRENCY: '1' });
    const started = () =>
      pipeline.tap
        .of(EVENT_NAMES.analysisProgressed, recording.id)
        .filter((e) => e.payload.stage === 'started');

    await pipeline.uploaded({
      organizationId: org,
      recordingId: recording.id,
      objectId,
      contentType: 'audio/flac',
    });
    await waitFor('the first worker to start the job', () => started().length === 1, { timeoutMs: 30_000 });
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    expect(pipeline.tap.of(EVENT_NAMES.analysisCompleted, recording.id)).toEqual([]);

    const survivor = await pipeline.startWorker();
    const final = await waitFor(
      'READY after the redo',
      async () => {
        const status = await pipeline.recordings.call(R.status, { recordingId: recording.id }, owner);
        return status.status === 'READY' ? status : null;
      },
      { timeoutMs: 120_000, intervalMs: 200 },
    );

    expect(final).toMatchObject({ status: 'READY', progress: 100 });
    expect(started().length).toBeGreaterThanOrEqual(2);
    await waitFor(
      'the completion on the tap',
      () => pipeline.tap.of(EVENT_NAMES.analysisCompleted, recording.id).length === 1,
    );
    const { analysis } = await pipeline.recordings.call(R.analysis, { id: recording.id }, owner);
    expect(Math.abs(analysis.durationSeconds - LONG_AUDIO_SECONDS)).toBeLessThanOrEqual(0.01);
    await pipeline.stopWorker(survivor);
  }, 240_000);

  it('a job that kills its worker every time is not started past AUDIO_JOB_MAX_ATTEMPTS: FAILED (WORKER_CRASHED), job in the DLQ', async () => {
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const recording = await pipeline.recordings.call(R.create, { title: 'Kills its worker' }, owner);
    const objectId = randomUUID();
    await longObject(org, objectId);
    const started = () =>
      pipeline.tap
        .of(EVENT_NAMES.analysisProgressed, recording.id)
        .filter((e) => e.payload.stage === 'started');
    const dlq = 'audio-worker.recordings.analysis.requested.dlq';
    const parkedBefore = await pipeline.recordings.vhost.readyCount(dlq);

    // Two starts allowed; each ends with the worker process killed mid-job, as a crash would.
    await pipeline.uploaded({
      organizationId: org,
      recordingId: recording.id,
      objectId,
      contentType: 'audio/flac',
    });
    for (const start of [1, 2]) {
      child = await forkWorker(pipeline, { AUDIO_JOB_CONCURRENCY: '1', AUDIO_JOB_MAX_ATTEMPTS: '2' });
      await waitFor(`start ${start} of the job`, () => started().length === start, { timeoutMs: 60_000 });
      child.kill('SIGKILL');
      await new Promise((resolve) => child!.once('exit', resolve));
    }

    // The next worker gets the job a third time and does not start it.
    const worker = await pipeline.startWorker({ AUDIO_JOB_MAX_ATTEMPTS: '2' });
    const final = await waitFor(
      'FAILED without a third start',
      async () => {
        const status = await pipeline.recordings.call(R.status, { recordingId: recording.id }, owner);
        return status.status === 'FAILED' ? status : null;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(final.failureReason).toBe('WORKER_CRASHED: the worker stopped during each of its 2 attempts');
    await waitFor(
      'the job in the DLQ',
      async () => (await pipeline.recordings.vhost.readyCount(dlq)) === parkedBefore + 1,
    );
    expect(started()).toHaveLength(2);
    expect(pipeline.tap.of(EVENT_NAMES.analysisFailed, recording.id).map((e) => e.payload)).toEqual([
      expect.objectContaining({ code: 'WORKER_CRASHED', attempts: 2 }),
    ]);
    expect(pipeline.tap.of(EVENT_NAMES.analysisCompleted, recording.id)).toEqual([]);
    await pipeline.stopWorker(worker);
  }, 240_000);
});
