import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, SERVICE_CONFIG } from '@platform/bootstrap';
import { EVENT_NAMES } from '@platform/contracts';
import { EventPublisher } from '@platform/messaging';
import type { GatewayEnv } from '../config/gateway-env.schema';

/**
 * Counts admitted requests per organization for metering, off the hot path: a request costs one Map
 * increment; every USAGE_FLUSH_MS (and before shutdown) the counts are swapped out and published as
 * one `gateway.api-usage.recorded` per organization. A batch whose publish fails is merged back and
 * retried at the next flush. What a crash loses is at most one window of counts (metering, not
 * billing of calls: API calls have no plan cap).
 */
@Injectable()
export class ApiUsageMeter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private counts = new Map<string, number>();
  private windowStart = new Date();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly publisher: EventPublisher,
    @Inject(SERVICE_CONFIG) private readonly config: GatewayEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The per-request cost: one Map increment. */
  record(organizationId: string): void {
    this.counts.set(organizationId, (this.counts.get(organizationId) ?? 0) + 1);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), this.config.USAGE_FLUSH_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Publishes what was counted since the last flush; one flush at a time. */
  flush(): Promise<void> {
    this.flushing ??= this.publishWindow().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async publishWindow(): Promise<void> {
    if (this.counts.size === 0) return;
    const batch = this.counts;
    const windowStart = this.windowStart;
    const windowEnd = new Date();
    this.counts = new Map();
    this.windowStart = windowEnd;
    await Promise.all(
      [...batch].map(async ([organizationId, calls]) => {
        try {
          await this.publisher.publishEvent(EVENT_NAMES.apiUsageRecorded, {
            organizationId,
            calls,
            windowStart: windowStart.toISOString(),
            windowEnd: windowEnd.toISOString(),
          });
        } catch (error) {
          this.logger.warn(
            { err: error, organizationId, calls },
            'api usage batch not published; kept for the next flush',
          );
          this.counts.set(organizationId, (this.counts.get(organizationId) ?? 0) + calls);
        }
      }),
    );
  }
}
