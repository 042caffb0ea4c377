import { defineServiceContract } from '../contract/service-contract';
import { EVENT_NAMES } from '../events/names';
import { eventPayloadSchemas } from '../events/payloads';
import { recordingRpc } from './recording.rpc';

/**
 * The recordings service's contract: recordings (CRUD, list, status, analysis) and the event that hands
 * a recording to the audio worker (written to recordings' outbox with the UPLOADED state change), and
 * a recording created/deleted (with that change, for metering).
 */
export const recordingsContract = defineServiceContract({
  service: 'recordings',
  rpc: { ...recordingRpc },
  events: {
    [EVENT_NAMES.analysisRequested]: eventPayloadSchemas[EVENT_NAMES.analysisRequested],
    [EVENT_NAMES.recordingCreated]: eventPayloadSchemas[EVENT_NAMES.recordingCreated],
    [EVENT_NAMES.recordingDeleted]: eventPayloadSchemas[EVENT_NAMES.recordingDeleted],
  },
});
