import type { TokenPair } from '@platform/contracts';
import { jsonRequest, type JsonResponse } from '@platform/testing';

export type ApiResponse<T = Record<string, unknown>> = JsonResponse<T>;

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
    return jsonRequest<T>(url, { method, headers, json: req.json });
  }

  get<T = Record<string, unknown>>(path: string, req?: ApiRequest) {
    return this.call<T>('GET', path, req);
  }

  post<T = Record<string, unknown>>(path: string, req?: ApiRequest) {
    return this.call<T>('POST', path, req);
  }
}

export type { TokenPair };
