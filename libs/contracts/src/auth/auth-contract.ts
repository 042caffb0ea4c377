import { defineServiceContract } from '../contract/service-contract';
import { EVENT_NAMES } from '../events/names';
import { eventPayloadSchemas } from '../events/payloads';
import { authRpcSchemas } from './auth-rpc';

/** The auth service's contract: its RPC map as is, and the events it publishes (through its outbox). */
export const authContract = defineServiceContract({
  service: 'auth',
  rpc: authRpcSchemas,
  events: {
    [EVENT_NAMES.organizationCreated]: eventPayloadSchemas[EVENT_NAMES.organizationCreated],
    [EVENT_NAMES.memberJoined]: eventPayloadSchemas[EVENT_NAMES.memberJoined],
  },
});
