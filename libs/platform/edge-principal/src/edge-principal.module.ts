import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigError } from '@platform/config';
import { EDGE_PRINCIPAL_MIN_SECRET_BYTES } from './edge-principal.token';
import { EdgePrincipalGuard } from './edge-principal.guard';
import type { ProblemLogger } from '@platform/errors';
import { EDGE_PROBLEM_LOGGER, EdgeProblemFilter } from './edge-problem.filter';
import { EDGE_PRINCIPAL_OPTIONS, type EdgePrincipalOptions } from './edge-principal.options';

/**
 * Lets a service's HTTP controllers use `@EdgeAuthenticated()` / `@EdgePrincipal()`. Import it in
 * the feature module that serves stream or websocket routes on the internal port:
 * `EdgePrincipalModule.forRoot({ audience: 'storage', secret: config.EDGE_PRINCIPAL_SECRET })`.
 */
@Module({})
export class EdgePrincipalModule {
  /** `logger`: where unexpected errors of edge handlers are logged (the service's pino logger). */
  static forRoot(options: {
    audience: string;
    secret: string | undefined;
    logger?: ProblemLogger;
  }): DynamicModule {
    // Fail at boot, naming the variable, rather than refusing every request later with a 401.
    if (!options.secret) {
      throw new ConfigError([
        `EDGE_PRINCIPAL_SECRET: is required by ${options.audience}, which serves gateway stream routes (unset)`,
      ]);
    }
    if (Buffer.byteLength(options.secret) < EDGE_PRINCIPAL_MIN_SECRET_BYTES) {
      throw new ConfigError([
        `EDGE_PRINCIPAL_SECRET: must be at least ${EDGE_PRINCIPAL_MIN_SECRET_BYTES} bytes (value hidden)`,
      ]);
    }
    const value: EdgePrincipalOptions = { audience: options.audience, secret: options.secret };
    return {
      module: EdgePrincipalModule,
      providers: [
        { provide: EDGE_PRINCIPAL_OPTIONS, useValue: value },
        ...(options.logger ? [{ provide: EDGE_PROBLEM_LOGGER, useValue: options.logger }] : []),
        EdgePrincipalGuard,
        EdgeProblemFilter,
      ],
      // Guard and filter are instantiated in the module of the controller using them (Nest enhancers),
      // so what they inject must be exported.
      exports: [
        EDGE_PRINCIPAL_OPTIONS,
        ...(options.logger ? [EDGE_PROBLEM_LOGGER] : []),
        EdgePrincipalGuard,
        EdgeProblemFilter,
      ],
    };
  }
}
