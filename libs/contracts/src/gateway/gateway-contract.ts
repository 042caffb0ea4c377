import { defineServiceContract } from '../contract/service-contract';
import { EVENT_NAMES } from '../events/names';
import { eventPayloadSchemas } from '../events/payloads';

/**
 * The gateway serves no RPC (it is the caller), but it publishes: the requests it admitted per
 * organization, in batches (payments meters them). Listed with the backends so its events are typed
 * and checked like every other producer's.
 */
export const gatewayContract = defineServiceContract({
  service: 'gateway',
  rpc: {},
  events: {
    [EVENT_NAMES.apiUsageRecorded]: eventPayloadSchemas[EVENT_NAMES.apiUsageRecorded],
  },
});
