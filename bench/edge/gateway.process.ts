/**
 * The gateway as `npm start` runs it (same service definition, env from bench/edge.ts), plus one
 * bench-only switch, driven over IPC by the benchmark: the edge checks of authenticated routes can be
 * turned off, so the same route and handler are measured with and without them.
 *
 * - `jwt: false`: the Authenticator answers BENCH_PRINCIPAL (the principal of the benchmark's own
 *   token) without reading the request: no JWT verification, no denylist look-up.
 * - `limiter: false`: RequestThrottle lets every request through: no Lua check, no headers (a bearer
 *   token's denylist check, which otherwise rides in the limiter's script, runs alone: one MGET).
 *
 * The switch patches two methods of this process only; nothing in the gateway's code or config can
 * turn authentication off.
 */
import type { Principal } from '@platform/contracts';
import { bootstrapService } from '@platform/bootstrap';
import { RpcClient } from '@platform/messaging';
import { Authenticator } from '../../apps/gateway/src/authentication/authenticator.service';
import { gatewayService } from '../../apps/gateway/src/service-definition';
import { RoutePipeline } from '../../apps/gateway/src/routes/route-pipeline';
import { RequestThrottle } from '../../apps/gateway/src/throttling/request-throttle.service';
import { reportReady, stopWith } from './child';
import { installTracePoints, point, tracePointAround } from './trace-points';

/** BENCH_TRACE: the RPC path's steps in the gateway (see trace-points.ts). */
function installTraces(): void {
  installTracePoints('gateway');
  tracePointAround(RoutePipeline.prototype, 'handle', 'g handler', 'g handler done');
  tracePointAround(RpcClient.prototype, 'send', 'g rpc send');
  tracePointAround(RpcClient.prototype, 'onReply', 'g rpc reply');
}

export interface EdgeChecks {
  type: 'edge-checks';
  jwt: boolean;
  limiter: boolean;
}

const checks: EdgeChecks = { type: 'edge-checks', jwt: true, limiter: true };
let benchPrincipal: Principal | undefined;

function installSwitches(): void {
  // What every route's admission (RouteAdmission) calls: the switch must sit here, not on
  // `authenticate`, which only WebSocket upgrades and tickets use.
  const authenticate = Authenticator.prototype.authenticateDeferringRevocation;
  Authenticator.prototype.authenticateDeferringRevocation = function (this: Authenticator, ...args) {
    if (checks.jwt) return authenticate.apply(this, args);
    if (!benchPrincipal) throw new Error('BENCH_PRINCIPAL is needed to switch JWT verification off');
    return Promise.resolve({ principal: benchPrincipal });
  };
  const enforce = RequestThrottle.prototype.enforce;
  RequestThrottle.prototype.enforce = function (this: RequestThrottle, ...args) {
    if (checks.limiter) return enforce.apply(this, args);
    // The token's denylist check normally rides in the limiter's script: run it alone instead.
    const revocation = args[4];
    return revocation ? revocation.run() : Promise.resolve();
  };
}

async function main() {
  installSwitches();
  if (process.env.BENCH_TRACE) installTraces();
  process.on('message', (message: EdgeChecks | { type: 'principal'; principal: Principal }) => {
    if (message.type === 'edge-checks') Object.assign(checks, message);
    if (message.type === 'principal') benchPrincipal = message.principal;
    process.send?.({ type: 'ack' });
  });
  const running = await bootstrapService(gatewayService);
  if (process.env.BENCH_TRACE) {
    running.app.getHttpAdapter().getInstance().server.prependListener('request', (_req, res) => {
      point('g request');
      res.once('finish', () => point('g finish'));
    });
  }
  stopWith(() => running.app.close());
  reportReady(running.url);
}

void main().catch((error: unknown) => {
  process.stderr.write(`gateway: ${(error as Error)?.stack ?? error}\n`);
  process.exit(1);
});
