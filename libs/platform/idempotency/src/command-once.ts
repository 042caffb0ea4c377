import type { EntityManager } from 'typeorm';
import { IdempotencyKeyInFlightError, IdempotencyKeyReusedError } from './idempotency.errors';
import { IDEMPOTENCY_TTL_MS, type IdempotencyScope } from './idempotency-scope';
import { requestHash } from './request-hash';
import type { ResponseCodec } from './response-codec';

export interface CommandExecution {
  /** The RPC pattern: part of "the same request". */
  command: string;
  /** The envelope's `data`: hashed to recognize the same request. */
  request: unknown;
  /** `meta.idempotencyKey`, when the client sent one. */
  idempotencyKey?: string;
  /** Needed with an idempotency key: from the envelope's principal (`idempotencyScopeOf`). */
  scope?: IdempotencyScope;
  /** The AMQP message id, so a redelivery of a committed command does not run it again. */
  messageId?: string;
  /** From the service's Clock; the key is kept `ttlMs` (default 24 h) from here. */
  now?: Date;
  ttlMs?: number;
  /** How the answer is stored for replays (default: as is). */
  codec?: ResponseCodec;
}

export interface CommandOutcome<T> {
  response: T;
  /** True when `response` is the stored answer of an earlier run (gateway: Idempotent-Replayed). */
  replayed: boolean;
}

/** The stored form keeps `undefined` apart from `null` (a void command replays as void). */
interface StoredResponse {
  value?: unknown;
}

/** The codec's context: the stored answer opens only as the answer of this very command. */
function codecContext(execution: CommandExecution): string {
  return `idempotency:${execution.command}`;
}

function store(execution: CommandExecution, response: unknown): StoredResponse {
  if (response === undefined) return {};
  return { value: execution.codec ? execution.codec.seal(response, codecContext(execution)) : response };
}

function restore<T>(execution: CommandExecution, stored: StoredResponse | null | undefined): T {
  if (!stored || !('value' in stored)) return undefined as T;
  return (execution.codec ? execution.codec.open(stored.value, codecContext(execution)) : stored.value) as T;
}

function rows<T>(result: unknown): T[] {
  const value = result as unknown[];
  return (Array.isArray(value[0]) ? value[0] : value) as T[];
}

/**
 * Runs a command's `work` at most once per AMQP message id and per Idempotency-Key, inside the
 * caller's transaction (`manager`, a tenant transaction from runInTenant): the ledger rows commit
 * with the command's own writes, or not at all.
 *
 * - message id: claimed first (`INSERT ... ON CONFLICT DO NOTHING`); a redelivery of a committed
 *   command finds it and returns the stored response (a concurrent one waits for the first's commit).
 * - Idempotency-Key: a transaction-scoped advisory lock on (organization, principal, key) makes a
 *   second request while the first is running fail fast with IDEMPOTENCY_KEY_IN_FLIGHT (409) instead
 *   of waiting; the lock dies with the transaction, so a crash never leaves a key stuck. With the
 *   lock held, a stored row replays (same hash) or fails IDEMPOTENCY_KEY_REUSED (422, other hash).
 * A command that throws stores nothing: the client may retry with the same key.
 */
export async function executeCommandOnce<T>(
  manager: EntityManager,
  execution: CommandExecution,
  work: (manager: EntityManager) => Promise<T>,
): Promise<CommandOutcome<T>> {
  const now = execution.now ?? new Date();
  if (execution.messageId) {
    const claimed = await manager.query(
      `INSERT INTO processed_commands (message_id, command) VALUES ($1, $2)
       ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
      [execution.messageId, execution.command],
    );
    if (rows(claimed).length === 0) {
      const [done] = rows<{ response: StoredResponse | null }>(
        await manager.query(`SELECT response FROM processed_commands WHERE message_id = $1`, [
          execution.messageId,
        ]),
      );
      return { response: restore<T>(execution, done?.response), replayed: true };
    }
  }

  let keyed: { scope: IdempotencyScope; key: string; hash: string } | undefined;
  if (execution.idempotencyKey !== undefined) {
    if (!execution.scope) throw new Error('executeCommandOnce: an idempotency key needs a scope');
    keyed = {
      scope: execution.scope,
      key: execution.idempotencyKey,
      hash: requestHash(execution.command, execution.request),
    };
    const { organizationId, principalKey } = keyed.scope;
    const [lock] = rows<{ acquired: boolean }>(
      await manager.query(`SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS acquired`, [
        `idempotency:${organizationId}:${principalKey}:${keyed.key}`,
      ]),
    );
    if (!lock.acquired) throw new IdempotencyKeyInFlightError();
    const [stored] = rows<{ request_hash: string; response: StoredResponse }>(
      await manager.query(
        `SELECT request_hash, response FROM idempotency_keys
          WHERE organization_id = $1 AND principal_key = $2 AND idempotency_key = $3 AND expires_at > $4`,
        [organizationId, principalKey, keyed.key, now],
      ),
    );
    if (stored) {
      if (stored.request_hash !== keyed.hash) throw new IdempotencyKeyReusedError();
      await recordMessageResponse(manager, execution.messageId, stored.response);
      return { response: restore<T>(execution, stored.response), replayed: true };
    }
  }

  const response = await work(manager);
  const storedResponse = store(execution, response);
  if (keyed) {
    const expiresAt = new Date(now.getTime() + (execution.ttlMs ?? IDEMPOTENCY_TTL_MS));
    // An expired row of the same key is replaced: after 24 h the key is free again.
    await manager.query(
      `INSERT INTO idempotency_keys
         (organization_id, principal_key, idempotency_key, command, request_hash, response, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)
       ON CONFLICT (organization_id, principal_key, idempotency_key) DO UPDATE
         SET command = EXCLUDED.command, request_hash = EXCLUDED.request_hash, response = EXCLUDED.response,
             created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`,
      [
        keyed.scope.organizationId,
        keyed.scope.principalKey,
        keyed.key,
        execution.command,
        keyed.hash,
        JSON.stringify(storedResponse),
        now,
        expiresAt,
      ],
    );
  }
  await recordMessageResponse(manager, execution.messageId, storedResponse);
  return { response, replayed: false };
}

async function recordMessageResponse(
  manager: EntityManager,
  messageId: string | undefined,
  response: StoredResponse,
): Promise<void> {
  if (!messageId) return;
  await manager.query(`UPDATE processed_commands SET response = $2::jsonb WHERE message_id = $1`, [
    messageId,
    JSON.stringify(response),
  ]);
}

/**
 * Deletes expired keys (all tenants: call it inside `runAsSystem('idempotency.purge-expired', ...)`)
 * and message-id records older than `messageRetentionMs` (default 7 days, beyond any redelivery).
 */
export async function purgeExpiredCommandRecords(
  systemManager: EntityManager,
  now: Date = new Date(),
  messageRetentionMs = 7 * 24 * 3600_000,
): Promise<{ keys: number; messages: number }> {
  const keys = await systemManager.query(`DELETE FROM idempotency_keys WHERE expires_at <= $1`, [now]);
  const messages = await systemManager.query(`DELETE FROM processed_commands WHERE processed_at < $1`, [
    new Date(now.getTime() - messageRetentionMs),
  ]);
  const count = (result: unknown) => (Array.isArray(result) ? Number(result[1] ?? 0) : 0);
  return { keys: count(keys), messages: count(messages) };
}
