import { Catch, HttpException, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';
import { codeForHttpStatus, DomainError, ForbiddenError, toRpcError } from '@platform/errors';
import type { MessagingLogger } from '../amqp/messaging-logger';
import { RpcErrorReply } from '../rpc/rpc-server';
import { AmqpContext } from './amqp-context';

/** What Nest throws when a guard returns false (instead of throwing its own error). */
const NEST_FORBIDDEN_MESSAGE = 'Forbidden resource';

/**
 * The last word on what an AMQP handler threw. For an RPC it shapes the reply the caller gets, as
 * the amqplib layer always did: a DomainError keeps its code, message and details; a ZodError (pipe
 * validation) is VALIDATION_FAILED with its issues; a guard's plain `false` is FORBIDDEN; an HTTP
 * exception keeps the code of its status; anything else is INTERNAL with an error id (the stack is
 * logged here, never sent). For an event it rethrows untouched: the consumer decides retry or DLQ
 * (a PoisonMessageError goes straight to the DLQ).
 */
@Catch()
export class AmqpExceptionFilter implements RpcExceptionFilter {
  constructor(private readonly logger: MessagingLogger) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const ctx = host.switchToRpc().getContext<unknown>();
    if (ctx instanceof AmqpContext && ctx.kind === 'event') return throwError(() => exception);
    const pattern = ctx instanceof AmqpContext ? ctx.pattern : undefined;
    const payload = toRpcError(normalise(exception), (errorId, err) =>
      this.logger.error({ err, errorId, pattern }, 'RPC handler failed unexpectedly'),
    );
    return throwError(() => new RpcErrorReply(payload));
  }
}

function normalise(exception: unknown): unknown {
  if (exception instanceof DomainError) return exception;
  if (exception instanceof RpcException && exception.getError() === NEST_FORBIDDEN_MESSAGE)
    return new ForbiddenError();
  if (exception instanceof HttpException) {
    const code = codeForHttpStatus(exception.getStatus());
    if (code && exception.getStatus() < 500) return new DomainError(code, exception.message);
  }
  return exception;
}
