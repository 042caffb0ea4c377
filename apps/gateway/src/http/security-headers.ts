import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify from 'fastify';

/**
 * The headers helmet sets with `options`, computed once at start. They depend on nothing in the
 * request, and helmet would otherwise run its chain of a dozen middlewares, each calling
 * `setHeader`, on every request (~4 % of the gateway's CPU per request). Found by asking helmet
 * itself — a throwaway Fastify instance with and without it answers one injected request — so the
 * values stay helmet's, whatever its version.
 */
export async function helmetHeaders(options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const answer = async (withHelmet: boolean) => {
    const probe = Fastify({ logger: false });
    if (withHelmet) await probe.register(helmet, options);
    probe.get('/', () => '');
    const response = await probe.inject('/');
    await probe.close();
    return response.headers;
  };
  const [plain, secured] = await Promise.all([answer(false), answer(true)]);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(secured)) {
    if (name in plain || value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}
