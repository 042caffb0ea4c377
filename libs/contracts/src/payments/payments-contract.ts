import {
  defineServiceContract,
  type ContractPattern,
  type ContractRequest,
  type ContractResult,
} from '../contract/service-contract';
import { EVENT_NAMES } from '../events/names';
import { eventPayloadSchemas } from '../events/payloads';
import { paymentsRpcSchemas } from './payments-rpc';

/** The payments service's contract: its RPC map and the events it publishes (through its outbox). */
export const paymentsContract = defineServiceContract({
  service: 'payments',
  rpc: paymentsRpcSchemas,
  events: {
    [EVENT_NAMES.subscriptionActivated]: eventPayloadSchemas[EVENT_NAMES.subscriptionActivated],
    [EVENT_NAMES.subscriptionChanged]: eventPayloadSchemas[EVENT_NAMES.subscriptionChanged],
    [EVENT_NAMES.subscriptionCancelled]: eventPayloadSchemas[EVENT_NAMES.subscriptionCancelled],
    [EVENT_NAMES.subscriptionSuspended]: eventPayloadSchemas[EVENT_NAMES.subscriptionSuspended],
    [EVENT_NAMES.subscriptionReactivated]: eventPayloadSchemas[EVENT_NAMES.subscriptionReactivated],
    [EVENT_NAMES.usageThresholdReached]: eventPayloadSchemas[EVENT_NAMES.usageThresholdReached],
    [EVENT_NAMES.billingNoticeRequested]: eventPayloadSchemas[EVENT_NAMES.billingNoticeRequested],
  },
});

type PaymentsPattern = ContractPattern<typeof paymentsContract>;
/** `data` of a payments request as its handler sees it (validated). */
export type PaymentsRequest<P extends PaymentsPattern> = ContractRequest<typeof paymentsContract, P>;
/** What a payments handler answers for `P`. */
export type PaymentsResult<P extends PaymentsPattern> = ContractResult<typeof paymentsContract, P>;
