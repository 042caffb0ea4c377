import { Counter, Gauge } from 'prom-client';
import { metricsRegistry } from '@platform/observability';

/** Every WebSocket edge of the process (a test process may boot several gateways): read at scrape time. */
export const liveEdges = new Set<{ openByRoute(): Map<string, number> }>();

/** Module-level: one series per process. */
export const openConnectionsGauge = new Gauge<'route'>({
  name: 'gateway_websocket_connections',
  help: 'WebSocket connections relayed by this gateway process, per route.',
  labelNames: ['route'],
  registers: [metricsRegistry],
  collect() {
    this.reset();
    for (const edge of liveEdges) {
      for (const [route, open] of edge.openByRoute()) this.inc({ route }, open);
    }
  },
});

/** `outcome`: `opened`, or the problem code of the refusal (`unauthenticated`, `rate_limited`, ...). */
export const upgradesCounter = new Counter<'route' | 'outcome'>({
  name: 'gateway_websocket_upgrades_total',
  help: 'WebSocket upgrade attempts at the gateway by route and outcome.',
  labelNames: ['route', 'outcome'],
  registers: [metricsRegistry],
});
