/**
 * @jest-environment ./apps/audio-worker/test/support/onnx-environment.js
 */
import { randomUUID } from 'node:crypto';
import { RECORDING_RPC as R } from '@platform/contracts';
import { startFakeGemini, waitFor, type FakeGemini } from '@platform/testing';
import { member } from '../apps/recordings/test/support/recordings-bed';
import { makeAudio } from '../apps/audio-worker/test/support/test-audio';
import { PipelineHarness } from './recording-pipeline-harness';

/**
 * With GEMINI_API_KEY set the worker transcribes through Gemini (here a local fake of its REST API)
 * and the analysis served by recordings carries the provider's transcript and summary.
 */
describe('recording pipeline with a transcription provider (fake Gemini)', () => {
  const pipeline = new PipelineHarness();
  let gemini: FakeGemini;

  beforeAll(async () => {
    [gemini] = await Promise.all([startFakeGemini(), pipeline.start()]);
    await pipeline.startWorker({
      GEMINI_API_KEY: gemini.apiKey,
      GEMINI_BASE_URL: gemini.baseUrl,
      GEMINI_MODEL: 'gemini-test-model',
    });
  }, 120_000);
  afterAll(async () => {
    await pipeline.stop();
    await gemini?.close();
  }, 60_000);

  it('stores the transcript and summary Gemini answered for the speech, with the speech segments', async () => {
    gemini.answer({
      kind: 'transcript',
      transcript: 'Hola, esta es una grabación de prueba. El detector de voz debe encontrar estas palabras.',
      summary: 'Una grabación de prueba del detector de voz.',
    });
    const org = randomUUID();
    const owner = member(org, ['owner']);
    const recording = await pipeline.recordings.call(R.create, { title: 'Con voz' }, owner);
    const objectId = randomUUID();
    await makeAudio(
      pipeline.objectPath(org, objectId),
      [{ silence: 1 }, { speech: true }, { silence: 1 }],
      1,
      'ogg',
    );

    await pipeline.uploaded({
      organizationId: org,
      recordingId: recording.id,
      objectId,
      contentType: 'audio/ogg',
    });
    await waitFor(
      'READY',
      async () =>
        (await pipeline.recordings.call(R.status, { recordingId: recording.id }, owner)).status === 'READY',
      { timeoutMs: 60_000, intervalMs: 200 },
    );

    const { analysis } = await pipeline.recordings.call(R.analysis, { id: recording.id }, owner);
    expect(analysis.transcript).toEqual({
      status: 'available',
      provider: 'gemini',
      text: 'Hola, esta es una grabación de prueba. El detector de voz debe encontrar estas palabras.',
      summary: 'Una grabación de prueba del detector de voz.',
      reason: null,
    });
    expect(analysis.speech.segments.length).toBeGreaterThanOrEqual(1);
    expect(analysis.speech.segments[0].startSeconds).toBeGreaterThanOrEqual(0.8);
    expect(analysis.speech.segments[0].startSeconds).toBeLessThanOrEqual(1.5);
    expect(gemini.calls.map((call) => ({ model: call.model, mimeType: call.mimeType }))).toEqual([
      { model: 'gemini-test-model', mimeType: 'audio/ogg' },
    ]);
  });
});
