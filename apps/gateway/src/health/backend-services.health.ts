import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import {
  BACKEND_SERVICES,
  SYSTEM_PRINCIPAL,
  healthPingPattern,
  type HealthPingResult,
} from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import type { ReadinessIndicator } from '@platform/health';
import { RpcClient } from '@platform/messaging';
import type { GatewayEnv } from '../config/gateway-env.schema';

/**
 * The gateway is ready when every backend service answers its RPC health ping and reports its own
 * dependencies up. Pings run in parallel, each within READINESS_PING_TIMEOUT_MS.
 */
@Injectable()
export class BackendServicesHealthIndicator implements ReadinessIndicator {
  readonly key = 'services';

  constructor(
    private readonly rpc: RpcClient,
    private readonly health: HealthIndicatorService,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const results = await Promise.all(BACKEND_SERVICES.map((service) => this.ping(service)));
    return Object.assign({}, ...results) as HealthIndicatorResult;
  }

  private async ping(service: (typeof BACKEND_SERVICES)[number]): Promise<HealthIndicatorResult> {
    const session = this.health.check(service);
    try {
      const result = await this.rpc.call<HealthPingResult>(
        healthPingPattern(service),
        { principal: SYSTEM_PRINCIPAL, data: {}, meta: { requestId: randomUUID() } },
        { timeoutMs: this.config.READINESS_PING_TIMEOUT_MS },
      );
      return result.status === 'up'
        ? session.up({ checks: result.checks, version: result.version })
        : session.down({ checks: result.checks });
    } catch (error) {
      return session.down({ message: (error as Error).message });
    }
  }
}
