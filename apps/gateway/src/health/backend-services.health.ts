import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  BACKEND_SERVICES,
  SYSTEM_PRINCIPAL,
  healthPingPattern,
  type BackendServiceName,
  type HealthPingResult,
} from '@platform/contracts';
import { SERVICE_CONFIG } from '@platform/bootstrap';
import { RpcClient } from '@platform/messaging';
import type { GatewayEnv } from '../config/gateway-env.schema';
import { BackendGuard, type BackendGuardState } from '../resilience/backend-guard.service';

export type BackendServiceReport = BackendGuardState & {
  status: 'up' | 'down';
  checks?: Record<string, 'up' | 'down'>;
  version?: string;
  message?: string;
};

export interface BackendServicesTable {
  /** `ok`: every backend up; `degraded`: at least one down. Informational, never a probe's verdict. */
  status: 'ok' | 'degraded';
  services: Record<BackendServiceName, BackendServiceReport>;
}

/**
 * `/health/services`: each backend service's RPC health ping (in parallel, each within
 * READINESS_PING_TIMEOUT_MS) next to the state of its circuit breaker and bulkhead at the gateway.
 * Not part of the gateway's readiness: one backend down must not take every gateway pod out of
 * rotation, its routes answer 503 instead while the others go on.
 */
@Injectable()
export class BackendServicesReport {
  constructor(
    private readonly rpc: RpcClient,
    private readonly guard: BackendGuard,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
  ) {}

  async table(): Promise<BackendServicesTable> {
    const reports = await Promise.all(BACKEND_SERVICES.map((service) => this.ping(service)));
    const services = Object.fromEntries(BACKEND_SERVICES.map((service, i) => [service, reports[i]]));
    return {
      status: reports.every((report) => report.status === 'up') ? 'ok' : 'degraded',
      services: services as BackendServicesTable['services'],
    };
  }

  private async ping(service: BackendServiceName): Promise<BackendServiceReport> {
    let report: Omit<BackendServiceReport, keyof BackendGuardState>;
    try {
      // Straight to the service, past its breaker: the table tells what the service says right now.
      const result = await this.rpc.call<HealthPingResult>(
        healthPingPattern(service),
        { principal: SYSTEM_PRINCIPAL, data: {}, meta: { requestId: randomUUID() } },
        { timeoutMs: this.config.READINESS_PING_TIMEOUT_MS },
      );
      report = { status: result.status, checks: result.checks, version: result.version };
    } catch (error) {
      report = { status: 'down', message: (error as Error).message };
    }
    return { ...report, ...this.guard.stateOf(service) };
  }
}
