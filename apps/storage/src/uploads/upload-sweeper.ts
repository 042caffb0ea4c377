import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, PeriodicTask, SERVICE_CONFIG } from '@platform/bootstrap';
import { isDomainError } from '@platform/errors';
import { TenantDatabase } from '@platform/tenancy';
import type { StorageEnv } from '../config/storage-env.schema';
import type { ObjectEntity } from '../object/object.entity';
import { ObjectRepository } from '../object/object.repository';
import { ObjectService } from '../object/object.service';
import { UploadLock } from './upload-lock';

/** Uploads removed per sweep at most; the next sweep takes the rest. */
const BATCH = 100;

/**
 * Expires uploads nobody finished (tus `expiration`): every STORAGE_UPLOAD_SWEEP_INTERVAL_MS, uploads
 * past their Upload-Expires lose their staged bytes (and any S3 multipart upload) and their record,
 * which frees the quota they reserved; HEAD/PATCH on them then answer 404 (410 between expiry and the
 * sweep). Safe with several replicas: each upload is taken under its Redis upload lock (one that is
 * streaming right now is skipped) and re-checked under its row lock in its own tenant, and its bytes
 * are removed before that transaction commits, so a failed removal leaves the record for the next
 * sweep rather than an orphan file. `sweep(now)` takes the clock as an argument (tests pass one).
 */
@Injectable()
export class UploadSweeper extends PeriodicTask {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly objects: ObjectRepository,
    private readonly objectService: ObjectService,
    private readonly lock: UploadLock,
    @Inject(SERVICE_CONFIG) private readonly config: StorageEnv,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  protected runPass() {
    return this.sweep();
  }

  protected intervalMs() {
    return this.config.STORAGE_UPLOAD_SWEEP_INTERVAL_MS;
  }

  protected passFailed(error: unknown) {
    this.logger.error({ err: error }, 'storage: upload sweep failed');
  }

  /** Removes uploads expired at `now`; resolves with how many went. */
  async sweep(now = new Date()): Promise<number> {
    // Across organizations by design (no caller, no tenant): read as system, naming the reason.
    const expired = await this.tenants.runAsSystem('storage.uploads.sweep-expired', () =>
      this.objects.findExpiredUploads(now, BATCH),
    );
    let removed = 0;
    for (const upload of expired) {
      try {
        if (await this.lock.withLock(upload.id, () => this.expire(upload, now))) removed += 1;
      } catch (error) {
        // CONFLICT: a request is writing it right now (and will push its expiry forward).
        if (isDomainError(error) && error.code === 'CONFLICT') continue;
        this.logger.error({ err: error, objectId: upload.id }, 'storage: expired upload not removed');
      }
    }
    if (removed > 0) this.logger.info({ removed }, 'storage: expired uploads removed');
    return removed;
  }

  private expire(upload: ObjectEntity, now: Date): Promise<boolean> {
    return this.tenants.runInTenant(upload.organizationId, async () => {
      const row = await this.objects.lockById(upload.id);
      if (!row || row.status !== 'uploading' || !row.expiresAt || row.expiresAt > now) return false;
      await this.objects.delete(row.id);
      await this.objectService.announceDeleted(row);
      await this.objectService.removeBytes(row);
      return true;
    });
  }
}
