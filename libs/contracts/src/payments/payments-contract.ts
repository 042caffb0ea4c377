import { defineServiceContract } from '../contract/service-contract';
import { EVENT_NAMES } from '../events/names';
import { eventPayloadSchemas } from '../events/payloads';

/** Payments (not built yet): the events others already consume. RPC patterns join when it is built. */
export const paymentsContract = defineServiceContract({
  service: 'payments',
  rpc: {},
  events: {
    [EVENT_NAMES.subscriptionActivated]: eventPayloadSchemas[EVENT_NAMES.subscriptionActivated],
  },
});
