import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
// Not re-exported by the package root; the enum is stable (PAYLOAD = 3).
import { RpcParamtype } from '@nestjs/microservices/enums/rpc-paramtype.enum';
import type { ZodType } from 'zod';

/**
 * Validates `@Payload()` against the contract's request schema and hands the handler the parsed
 * value (defaults applied, strings normalised). Runs as a pipe, so guards have already run: an
 * unauthorised caller learns FORBIDDEN, not which fields it got wrong. A ZodError becomes
 * VALIDATION_FAILED in the exception filter.
 */
export class ContractPayloadPipe implements PipeTransform {
  constructor(private readonly schema: ZodType) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (!isWholePayload(metadata)) return value;
    return this.schema.parse(value);
  }
}

/** Nest reports `@Payload()` to pipes as type 'body' (older releases: the numeric RpcParamtype). */
function isWholePayload(metadata: ArgumentMetadata): boolean {
  const type = metadata.type as unknown;
  if (type !== 'body' && type !== RpcParamtype.PAYLOAD) return false;
  if (metadata.data !== undefined) {
    // A property of an unvalidated payload would slip past the contract.
    throw new Error('Contract handlers take the whole payload: @Payload(), not @Payload(property)');
  }
  return true;
}
