import { createHash, randomUUID } from 'node:crypto';
import { EVENT_NAMES, type AudioAnalysis } from '@platform/contracts';
import { EventPublisher } from '@platform/messaging';
import { waitFor } from '@platform/testing';
import type { PlatformHarness } from '../platform-harness';
import type { Account } from './accounts';
import type { ApiClient } from './api-client';

/** A complete analysis as the worker reports one (values of a 1 s tone), for fixtures that need READY. */
export function analysisFixture(): AudioAnalysis {
  return {
    durationSeconds: 1,
    sampleRateHz: 44100,
    channels: 1,
    codec: 'pcm_s16le',
    container: 'wav',
    bitRateBps: 705600,
    loudness: { integratedLufs: -9.4, truePeakDbtp: -6, loudnessRangeLu: 0 },
    silence: { ratio: 0, totalSeconds: 0, thresholdDb: -50, minSilenceSeconds: 0.5 },
    waveform: { points: 4, peaks: [0.5, 0.5, 0.5, 0.5] },
    speech: { model: 'silero-vad-v4', segments: [], totalSeconds: 0, ratio: 0 },
    transcript: { status: 'unavailable', provider: null, text: null, summary: null, reason: 'fixture' },
    analyzedAt: new Date().toISOString(),
    processingSeconds: 0.1,
  };
}

/**
 * A READY recording of `owner`'s organization without real audio: created through the gateway, then
 * moved on by the events storage and the worker would publish (upload completed, analysis
 * completed), published on the platform's broker with the gateway's publisher. The worker's own
 * attempt on the missing bytes fails later and changes nothing (READY is final).
 */
export async function readyRecording(
  api: ApiClient,
  platform: PlatformHarness,
  owner: Account,
): Promise<string> {
  const created = await api.post<{ id: string }>('/v1/recordings', {
    token: owner.tokens.accessToken,
    json: { title: 'Fixture' },
  });
  if (created.status !== 201)
    throw new Error(`create recording: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  const publisher = platform.gateway.app.get(EventPublisher);
  const objectId = randomUUID();
  await publisher.publishEvent(EVENT_NAMES.uploadCompleted, {
    organizationId: owner.organizationId,
    uploadId: objectId,
    objectId,
    recordingId: id,
    sizeBytes: 0,
    contentType: 'audio/wav',
    sha256: createHash('sha256').digest('hex'),
  });
  const status = () =>
    api
      .get<{ status: string }>(`/v1/status/${id}`, { token: owner.tokens.accessToken })
      .then((r) => r.body.status);
  await waitFor('UPLOADED', async () => (await status()) !== 'UPLOADING');
  await publisher.publishEvent(EVENT_NAMES.analysisCompleted, {
    organizationId: owner.organizationId,
    recordingId: id,
    analysis: analysisFixture(),
  });
  await waitFor('READY', async () => (await status()) === 'READY');
  return id;
}
