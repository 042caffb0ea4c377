import { randomUUID } from 'node:crypto';
import {
  expectMatchesContract,
  type AnyServiceContract,
  type ContractPattern,
  type ContractRequestInput,
  type ContractResultOutput,
  type Principal,
  type RpcEnvelope,
} from '@platform/contracts';

/** The slice of RpcClient a test caller needs (any client that speaks the envelope fits). */
export interface EnvelopeRpc {
  call<TResult = unknown>(pattern: string, envelope: RpcEnvelope): Promise<TResult>;
}

/**
 * Calls `pattern` of `contract` with `data` as `principal` (null: anonymous), the way the gateway
 * does, and checks the reply against the contract's result schema: a handler that drifts from its
 * contract fails the test that called it. Rejects with the service's error.
 */
export type ContractCall<K extends AnyServiceContract> = <P extends ContractPattern<K>>(
  pattern: P,
  data: ContractRequestInput<K, P>,
  principal?: Principal | null,
) => Promise<ContractResultOutput<K, P>>;

export function contractCaller<K extends AnyServiceContract>(rpc: EnvelopeRpc, contract: K): ContractCall<K> {
  return async (pattern, data, principal = null) => {
    const result = await rpc.call(pattern, { principal, data, meta: { requestId: randomUUID() } });
    return expectMatchesContract(contract, pattern, result) as ContractResultOutput<
      typeof contract,
      typeof pattern
    >;
  };
}
