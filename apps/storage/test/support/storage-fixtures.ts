import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { storageContract, type PlanCode, type Principal, type Role } from '@platform/contracts';
import { signEdgePrincipal } from '@platform/edge-principal';
import { ServiceTestBed } from '@platform/testing';
import type { StorageEnv } from '../../src/config/storage-env.schema';
import { storageService } from '../../src/service-definition';

export const EDGE_SECRET = randomBytes(32).toString('base64url');

/** A signed-in member of `organizationId`, as the gateway puts them in the envelope / edge token. */
export function member(organizationId: string, roles: Role[] = ['owner'], plan?: PlanCode): Principal {
  return {
    kind: 'user',
    userId: randomUUID(),
    organizationId,
    roles,
    scopes: [],
    apiKeyId: null,
    sessionId: randomUUID(),
    tokenId: randomUUID(),
    ...(plan ? { plan } : {}),
  };
}

/** A fresh storage root (deleted by the returned cleanup). */
export async function tempStorageRoot(): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'storage-spec-'));
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** Bytes that start like a WAV file (RIFF/WAVE header), then `size` - 12 bytes of noise. */
export function wavBytes(size: number): Buffer {
  const body = randomBytes(Math.max(size, 12));
  body.write('RIFF', 0, 'latin1');
  body.writeUInt32LE(size - 8, 4);
  body.write('WAVE', 8, 'latin1');
  return body.subarray(0, size);
}

/** A PDF whose file name and Content-Type claim it is an MP3. */
export function disguisedPdf(size = 4096): Buffer {
  const body = randomBytes(size);
  body.write('%PDF-1.7\n', 0, 'latin1');
  return body;
}

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest();

/** Minimal HTTP client of storage's internal port, signing the edge principal per request. */
export class StorageHttp {
  constructor(
    readonly baseUrl: string,
    private readonly secret = EDGE_SECRET,
  ) {}

  async request(
    method: string,
    path: string,
    options: {
      principal?: Principal | null;
      headers?: Record<string, string>;
      body?: RequestInit['body'];
      duplex?: boolean;
    } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      ...(options.principal ? await this.signedHeaders(method, path, options.principal) : {}),
      ...options.headers,
    };
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body,
      ...(options.duplex ? { duplex: 'half' } : {}),
    } as RequestInit);
  }

  /** The header the gateway adds for this request (method and path bound). */
  async signedHeaders(method: string, path: string, principal: Principal): Promise<Record<string, string>> {
    const token = await signEdgePrincipal({
      requestId: randomUUID(),
      secret: this.secret,
      audience: 'storage',
      method,
      path: path.split('?')[0]!,
      principal,
    });
    return { 'x-platform-principal': token };
  }

  /** tus creation; resolves with the upload's path (Location). */
  async createTus(
    principal: Principal,
    length: number,
    metadata: Record<string, string> = {},
  ): Promise<Response> {
    const encoded = Object.entries(metadata)
      .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
      .join(',');
    return this.request('POST', '/v1/uploads', {
      principal,
      headers: {
        'tus-resumable': '1.0.0',
        'upload-length': String(length),
        ...(encoded ? { 'upload-metadata': encoded } : {}),
      },
    });
  }

  patchTus(
    principal: Principal,
    location: string,
    offset: number,
    bytes: Buffer,
    checksum?: Buffer,
  ): Promise<Response> {
    return this.request('PATCH', location, {
      principal,
      headers: {
        'tus-resumable': '1.0.0',
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
        ...(checksum ? { 'upload-checksum': `sha256 ${checksum.toString('base64')}` } : {}),
      },
      body: bytes,
    });
  }

  headTus(principal: Principal, location: string): Promise<Response> {
    return this.request('HEAD', location, { principal, headers: { 'tus-resumable': '1.0.0' } });
  }
}

export type StorageBed = ServiceTestBed<StorageEnv, typeof storageContract>;

/** A storage service on a fresh database, vhost, Redis prefix and local root, and its HTTP client. */
export interface StartedStorage {
  bed: StorageBed;
  /** storage's internal port, signing `x-platform-principal` with EDGE_SECRET. */
  http: StorageHttp;
  /** The local driver's root (`objects/<org>/<id>`, `staging/<org>/<id>`). */
  root: string;
  stop(): Promise<void>;
}

/**
 * What every storage spec starts with: the service booted on a temporary local root with the
 * fixtures' edge secret, plus its HTTP client; `env` adds or overrides variables. `stop()` stops the
 * service and removes the root.
 */
export async function startStorageBed(env: Record<string, string> = {}): Promise<StartedStorage> {
  const { root, cleanup } = await tempStorageRoot();
  let bed: StorageBed;
  try {
    bed = (await ServiceTestBed.start(storageService, {
      contract: storageContract,
      env: { EDGE_PRINCIPAL_SECRET: EDGE_SECRET, STORAGE_LOCAL_ROOT: root, ...env },
    })) as unknown as StorageBed;
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    bed,
    http: new StorageHttp(bed.service.url),
    root,
    stop: async () => {
      await bed.stop();
      await cleanup();
    },
  };
}
