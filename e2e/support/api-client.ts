import type { TokenPair } from '@platform/contracts';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ApiRequest {
  /** Access token, sent as `Authorization: Bearer`. */
  token?: string;
  json?: unknown;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

/** A thin HTTP client of the public API: JSON in, JSON (or problem+json) out, redirects not followed. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    req: ApiRequest = {},
  ): Promise<ApiResponse<T>> {
    const url = new URL(path, this.baseUrl);
    for (const [name, value] of Object.entries(req.query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = { ...req.headers };
    if (req.token) headers.authorization = `Bearer ${req.token}`;
    if (req.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, {
      method,
      headers,
      body: req.json === undefined ? undefined : JSON.stringify(req.json),
      redirect: 'manual',
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: response.status, headers: response.headers, body: body as T };
  }

  get<T = Record<string, unknown>>(path: string, req?: ApiRequest) {
    return this.call<T>('GET', path, req);
  }

  post<T = Record<string, unknown>>(path: string, req?: ApiRequest) {
    return this.call<T>('POST', path, req);
  }
}

export type { TokenPair };
