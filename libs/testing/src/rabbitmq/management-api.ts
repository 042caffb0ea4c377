import { infraUrls } from '../infra/infra-urls';

/** Minimal client of the RabbitMQ management HTTP API (fetch rejects credentials inside URLs). */
export async function managementApi<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const base = new URL(infraUrls().rabbitmqManagement);
  const auth = Buffer.from(
    `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`,
  ).toString('base64');
  base.username = '';
  base.password = '';
  const response = await fetch(new URL(`/api${path}`, base), {
    method,
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  if (!response.ok && response.status !== 404) {
    throw new Error(`RabbitMQ management ${method} ${path} → ${response.status} ${await response.text()}`);
  }
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}
