import {
  defineServiceContract,
  type ContractPattern,
  type ContractRequest,
  type ContractResult,
} from '../contract/service-contract';
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
    [EVENT_NAMES.memberRemoved]: eventPayloadSchemas[EVENT_NAMES.memberRemoved],
    [EVENT_NAMES.apiKeyRevoked]: eventPayloadSchemas[EVENT_NAMES.apiKeyRevoked],
  },
});

type AuthPattern = ContractPattern<typeof authContract>;
/** `data` of an auth request as its handler sees it (validated: defaults applied, strings normalised). */
export type AuthRequest<P extends AuthPattern> = ContractRequest<typeof authContract, P>;
/** What an auth handler answers for `P`, as the contract declares it. */
export type AuthResult<P extends AuthPattern> = ContractResult<typeof authContract, P>;
