// Runs startTracing with an OTLP endpoint in a plain Node process: the OTLP HTTP exporter loads
// `http` with a dynamic import(), which Jest's VM cannot run without --experimental-vm-modules.
import { getTracer, startTracing } from '../tracing';

async function main(): Promise<void> {
  const [endpoint] = process.argv.slice(2);
  if (!endpoint) throw new Error('usage: otlp-export.fixture.ts <otlp endpoint>');
  const handle = startTracing({ serviceName: 'storage', otlpEndpoint: endpoint });
  getTracer().startSpan('upload').end();
  // BatchSpanProcessor holds the span; shutdown must flush it.
  await handle.shutdown();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
