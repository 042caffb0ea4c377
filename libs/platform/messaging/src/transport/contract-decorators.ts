import { applyDecorators, UsePipes } from '@nestjs/common';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
import type { Observable } from 'rxjs';
import type {
  AnyServiceContract,
  ContractEventName,
  ContractPattern,
  ContractResult,
} from '@platform/contracts';
import { ContractPayloadPipe } from './contract-payload.pipe';
import { CONTRACT_SCHEMA_EXTRA, type AmqpHandlerExtras, type AmqpHandlerOptions } from './handler-options';

type MaybeAsync<T> = T | Promise<T> | Observable<T>;

/** A method decorator that only accepts methods answering `R`: a handler drifting from its contract's result type does not compile. */
export type TypedHandlerDecorator<R> = <F extends (...args: never[]) => MaybeAsync<R>>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<F>,
) => void;

/**
 * `@MessagePattern` for a pattern of `contract`: the request schema comes from the contract (a
 * handler cannot validate against another one), `@Payload()` is validated by it, and the method's
 * return type must match the contract's result.
 */
export function ContractMessagePattern<C extends AnyServiceContract, P extends ContractPattern<C>>(
  contract: C,
  pattern: P,
  options: AmqpHandlerOptions = {},
): TypedHandlerDecorator<ContractResult<C, P>> {
  const entry = contract.rpc[pattern];
  if (!entry) throw new Error(`"${pattern}" is not a pattern of the ${contract.service} contract`);
  const extras: AmqpHandlerExtras = { ...options, [CONTRACT_SCHEMA_EXTRA]: entry.request };
  return applyDecorators(
    MessagePattern(pattern, extras),
    UsePipes(new ContractPayloadPipe(entry.request)),
  ) as TypedHandlerDecorator<ContractResult<C, P>>;
}

/**
 * `@EventPattern` for an event of `contract` (the producer's contract). The consumer's queue is
 * derived from the consuming service and the event name, never written by hand; the payload is
 * validated against the contract (a payload that fails it is poison: straight to the DLQ).
 */
export function ContractEventPattern<C extends AnyServiceContract, E extends ContractEventName<C>>(
  contract: C,
  event: E,
  options: AmqpHandlerOptions = {},
): MethodDecorator {
  const schema = contract.events[event];
  if (!schema) throw new Error(`"${event}" is not an event of the ${contract.service} contract`);
  const extras: AmqpHandlerExtras = { ...options, [CONTRACT_SCHEMA_EXTRA]: schema };
  return EventPattern(event, extras);
}

/**
 * The decorators of one contract, so a service writes the contract once:
 * `const Auth = contractHandlers(authContract)` then `@Auth.MessagePattern('auth.member.list')`.
 */
export function contractHandlers<C extends AnyServiceContract>(contract: C) {
  return {
    MessagePattern: <P extends ContractPattern<C>>(pattern: P, options?: AmqpHandlerOptions) =>
      ContractMessagePattern(contract, pattern, options),
    EventPattern: <E extends ContractEventName<C>>(event: E, options?: AmqpHandlerOptions) =>
      ContractEventPattern(contract, event, options),
  };
}
