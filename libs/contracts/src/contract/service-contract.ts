import type { z, ZodType } from 'zod';
import { EVENT_ROUTING_KEY_REGEX } from '../events/names';
import { RPC_PATTERN_REGEX } from '../rpc/patterns';

/** One RPC pattern: what `data` must look like and what the handler answers. */
export interface RpcContractEntry {
  request: ZodType;
  result: ZodType;
}

/**
 * Everything other services may know about one service: its RPC patterns with request/result
 * schemas and the events it publishes with their payload schemas. Handlers, clients, publishers,
 * the outbox and consumers all take their types (and their runtime validation) from this one map,
 * so a pattern or event is written once, here.
 */
export interface ServiceContract<
  S extends string = string,
  R extends Record<string, RpcContractEntry> = Record<string, RpcContractEntry>,
  E extends Record<string, ZodType> = Record<string, ZodType>,
> {
  readonly service: S;
  readonly rpc: R;
  readonly events: E;
}

/** Keys of `T` not prefixed by `<service>.`: the compiler names them when a contract strays. */
type ForeignKeys<S extends string, T> = Exclude<keyof T, `${S}.${string}`>;

/**
 * Declares a service's contract. Every pattern and event must be `<service>.<entity>.<verb>` of this
 * service (checked by the compiler through the key types and again at load time).
 */
export function defineServiceContract<
  const S extends string,
  const R extends Record<string, RpcContractEntry>,
  const E extends Record<string, ZodType>,
>(contract: {
  service: S;
  rpc: R & Record<ForeignKeys<S, R>, never>;
  events: E & Record<ForeignKeys<S, E>, never>;
}): ServiceContract<S, R, E> {
  for (const pattern of Object.keys(contract.rpc)) {
    if (!RPC_PATTERN_REGEX.test(pattern) || !pattern.startsWith(`${contract.service}.`))
      throw new Error(`RPC pattern "${pattern}" must be ${contract.service}.<entity>.<verb>`);
  }
  for (const event of Object.keys(contract.events)) {
    if (!EVENT_ROUTING_KEY_REGEX.test(event) || !event.startsWith(`${contract.service}.`))
      throw new Error(`Event "${event}" must be ${contract.service}.<entity>.<past tense>`);
  }
  return Object.freeze({ service: contract.service, rpc: contract.rpc, events: contract.events });
}

export type AnyServiceContract = ServiceContract<
  string,
  Record<string, RpcContractEntry>,
  Record<string, ZodType>
>;

export type ContractPattern<C extends AnyServiceContract> = keyof C['rpc'] & string;
export type ContractEventName<C extends AnyServiceContract> = keyof C['events'] & string;

/** `data` as a handler sees it, after validation (defaults applied, strings normalised). */
export type ContractRequest<C extends AnyServiceContract, P extends ContractPattern<C>> = z.output<
  C['rpc'][P]['request']
>;
/** `data` as a caller sends it. */
export type ContractRequestInput<C extends AnyServiceContract, P extends ContractPattern<C>> = z.input<
  C['rpc'][P]['request']
>;
/** What a handler must answer. */
export type ContractResult<C extends AnyServiceContract, P extends ContractPattern<C>> = z.input<
  C['rpc'][P]['result']
>;
/** What a caller receives. */
export type ContractResultOutput<C extends AnyServiceContract, P extends ContractPattern<C>> = z.output<
  C['rpc'][P]['result']
>;
/** An event's payload as a consumer sees it (validated). */
export type ContractEventPayload<C extends AnyServiceContract, E extends ContractEventName<C>> = z.output<
  C['events'][E]
>;
/** An event's payload as a producer writes it. */
export type ContractEventInput<C extends AnyServiceContract, E extends ContractEventName<C>> = z.input<
  C['events'][E]
>;
