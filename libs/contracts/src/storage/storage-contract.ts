import { defineServiceContract } from '../contract/service-contract';
import { EVENT_NAMES } from '../events/names';
import { eventPayloadSchemas } from '../events/payloads';

/** Storage (not built yet): the events others already consume. RPC patterns join when it is built. */
export const storageContract = defineServiceContract({
  service: 'storage',
  rpc: {},
  events: {
    [EVENT_NAMES.uploadCompleted]: eventPayloadSchemas[EVENT_NAMES.uploadCompleted],
  },
});
