import { Catch, Inject, Injectable, Optional } from '@nestjs/common';
import { ProblemDetailsFilter, type ProblemLogger } from '@platform/errors';

/** Injected by a service that wants unexpected errors of its edge handlers in its own log. */
export const EDGE_PROBLEM_LOGGER = Symbol('EDGE_PROBLEM_LOGGER');

const stderrLogger: ProblemLogger = {
  error: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'error', msg, ...obj })}\n`),
};

/**
 * Backend services have no global HTTP problem filter (their HTTP port served only health and
 * metrics). Edge handlers get this one through `@EdgeAuthenticated()`, so a refused principal or a
 * DomainError of the use case is problem+json with its catalog status, like at the gateway.
 */
@Injectable()
@Catch()
export class EdgeProblemFilter extends ProblemDetailsFilter {
  constructor(@Optional() @Inject(EDGE_PROBLEM_LOGGER) logger?: ProblemLogger) {
    super(logger ?? stderrLogger);
  }
}
