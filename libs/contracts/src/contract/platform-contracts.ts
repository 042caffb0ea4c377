import type { z, ZodType } from 'zod';
import { analyticsContract } from '../analytics/analytics-contract';
import { audioWorkerContract } from '../audio-worker/audio-worker-contract';
import { authContract } from '../auth/auth-contract';
import { campaignsContract } from '../campaigns/campaigns-contract';
import { gatewayContract } from '../gateway/gateway-contract';
import { paymentsContract } from '../payments/payments-contract';
import { recordingsContract } from '../recordings/recordings-contract';
import { storageContract } from '../storage/storage-contract';
import { voiceContract } from '../voice/voice-contract';
import type { RpcContractEntry } from './service-contract';

/**
 * Every service contract of the platform. The typed RPC client, the event publisher and the outbox
 * look patterns and event names up here, so a caller needs nothing but the name. A new service adds
 * its contract to this list.
 */
export const PLATFORM_CONTRACTS = [
  authContract,
  paymentsContract,
  recordingsContract,
  voiceContract,
  storageContract,
  audioWorkerContract,
  campaignsContract,
  analyticsContract,
  // No RPC: only the events the gateway publishes.
  gatewayContract,
] as const;

type Contracts = (typeof PLATFORM_CONTRACTS)[number];
type RpcMapOf<C> = C extends { rpc: infer R } ? R : never;
type EventMapOf<C> = C extends { events: infer E } ? E : never;
type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void
  ? I
  : never;

type PlatformRpcMap = UnionToIntersection<RpcMapOf<Contracts>>;
type PlatformEventMap = UnionToIntersection<EventMapOf<Contracts>>;

export type PlatformRpcPattern = keyof PlatformRpcMap & string;
export type PlatformEventName = keyof PlatformEventMap & string;

type EntryOf<P extends PlatformRpcPattern> = PlatformRpcMap[P] extends RpcContractEntry
  ? PlatformRpcMap[P]
  : never;
type EventSchemaOf<E extends PlatformEventName> = PlatformEventMap[E] extends ZodType
  ? PlatformEventMap[E]
  : never;

/** What a caller of `P` sends as `data`. */
export type PlatformRpcRequest<P extends PlatformRpcPattern> = z.input<EntryOf<P>['request']>;
/** What a caller of `P` receives. */
export type PlatformRpcResult<P extends PlatformRpcPattern> = z.output<EntryOf<P>['result']>;
/** The payload a producer of `E` writes. */
export type PlatformEventInput<E extends PlatformEventName> = z.input<EventSchemaOf<E>>;
/** The payload a consumer of `E` receives. */
export type PlatformEventPayload<E extends PlatformEventName> = z.output<EventSchemaOf<E>>;

const rpcEntries = new Map<string, RpcContractEntry>(
  PLATFORM_CONTRACTS.flatMap((contract) => Object.entries(contract.rpc as Record<string, RpcContractEntry>)),
);
const eventSchemas = new Map<string, ZodType>(
  PLATFORM_CONTRACTS.flatMap((contract) => Object.entries(contract.events as Record<string, ZodType>)),
);

/** The contract entry of an RPC pattern, or undefined when no contract declares it. */
export function rpcContractEntry(pattern: string): RpcContractEntry | undefined {
  return rpcEntries.get(pattern);
}

/** The payload schema of an event, or undefined when no contract declares it. */
export function eventPayloadSchema(event: string): ZodType | undefined {
  return eventSchemas.get(event);
}
