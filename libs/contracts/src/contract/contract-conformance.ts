import type { AnyServiceContract, ContractPattern } from './service-contract';

/**
 * Checks a handler's answer against the result schema of its pattern and returns the parsed value.
 * For tests: a handler that drifts from its contract (a missing field, a renamed one, a wrong type)
 * fails with the offending paths named, instead of surfacing later in another service.
 */
export function expectMatchesContract<C extends AnyServiceContract, P extends ContractPattern<C>>(
  contract: C,
  pattern: P,
  result: unknown,
): unknown {
  const entry = contract.rpc[pattern];
  if (!entry) throw new Error(`"${pattern}" is not a pattern of the ${contract.service} contract`);
  const parsed = entry.result.safeParse(result);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `  ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
      .join('\n');
    throw new Error(`Result of "${pattern}" does not match the ${contract.service} contract:\n${issues}`);
  }
  return parsed.data;
}
