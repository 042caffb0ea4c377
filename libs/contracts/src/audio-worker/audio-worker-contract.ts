import { defineServiceContract } from '../contract/service-contract';
import { EVENT_NAMES } from '../events/names';
import { eventPayloadSchemas } from '../events/payloads';

/**
 * The audio worker's contract: no RPC (it is a worker), and the events it reports a job with
 * (progress, the analysis, or the failure with its reason).
 */
export const audioWorkerContract = defineServiceContract({
  service: 'audio-worker',
  rpc: {},
  events: {
    [EVENT_NAMES.analysisProgressed]: eventPayloadSchemas[EVENT_NAMES.analysisProgressed],
    [EVENT_NAMES.analysisCompleted]: eventPayloadSchemas[EVENT_NAMES.analysisCompleted],
    [EVENT_NAMES.analysisFailed]: eventPayloadSchemas[EVENT_NAMES.analysisFailed],
  },
});
