/** Request ids are echoed into headers and logs, so a client-sent one must be short and plain. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's `x-request-id` when it is safe to echo, else the id Fastify gave the request. */
export function resolveRequestId(headerValue: string | string[] | undefined, fallbackId: string): string {
  const candidate = Array.isArray(headerValue) ? headerValue[0] : headerValue;
  return candidate !== undefined && SAFE_REQUEST_ID.test(candidate) ? candidate : fallbackId;
}
