import { Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '@platform/bootstrap';
import { EVENT_NAMES, type PageRequest, type Principal } from '@platform/contracts';
import { ConflictError, DomainError, NotFoundError } from '@platform/errors';
import { OutboxWriter } from '@platform/messaging';
import { currentTenantManager, TenantDatabase, tenantOfPrincipal } from '@platform/tenancy';
import type { Logger } from 'pino';
import { canPresign, OBJECT_STORE, type ObjectStore } from '../drivers/object-store.port';
import { UploadStaging } from '../drivers/upload-staging';
import { SignedDownloadUrl } from '../downloads/signed-download-url';
import type { ObjectEntity } from './object.entity';
import { ObjectRepository } from './object.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Reading, listing, deleting objects and issuing download links. The tenant is always the principal's. */
@Injectable()
export class ObjectService {
  constructor(
    private readonly tenants: TenantDatabase,
    private readonly objects: ObjectRepository,
    private readonly staging: UploadStaging,
    private readonly links: SignedDownloadUrl,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    private readonly outbox: OutboxWriter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** NOT_FOUND for another organization's id too: both look the same to the caller on purpose. */
  async get(principal: Principal, id: string): Promise<ObjectEntity> {
    const found = await this.tenants.runForPrincipal(principal, () => this.objects.findById(id));
    if (!found) throw new NotFoundError('Object', id);
    return found;
  }

  list(principal: Principal, page: PageRequest) {
    return this.tenants.runForPrincipal(principal, () =>
      this.objects.listPage(tenantOfPrincipal(principal), page),
    );
  }

  /**
   * Removes the row (under its lock) with its `storage.object.deleted` event (outbox, same
   * transaction: metering frees its bytes), then the bytes: staged, stored and any S3 multipart upload.
   */
  async delete(principal: Principal, id: string): Promise<void> {
    await this.tenants.runForPrincipal(principal, async () => {
      const row = await this.objects.lockById(id);
      if (!row) throw new NotFoundError('Object', id);
      await this.objects.delete(id);
      await this.announceDeleted(row);
      // Before the commit: a store that cannot remove the bytes rolls the deletion back (the object
      // stays, whole and reachable) and the caller is told to try again — never a record gone with
      // its bytes left behind where nothing would ever delete them. Removal is idempotent, so a
      // commit that fails after it is redone by the retry.
      try {
        await this.removeBytes(row);
      } catch (error) {
        this.logger.error({ err: error, objectId: id }, 'storage: bytes not removed; deletion rolled back');
        throw new DomainError(
          'SERVICE_UNAVAILABLE',
          'The object store could not remove the bytes: nothing was deleted, try again',
          {
            objectId: id,
            retryAfterSeconds: 5,
          },
        );
      }
    });
  }

  /**
   * `storage.object.deleted` for `row` (as it was before deletion), into the outbox of the open tenant
   * transaction that deletes it: every deletion path (by hand, a recording's deletion, the expiry
   * sweep) tells metering the bytes are free.
   */
  async announceDeleted(row: ObjectEntity): Promise<void> {
    const completed = row.status === 'completed';
    await this.outbox.addEvent(currentTenantManager(), EVENT_NAMES.objectDeleted, {
      organizationId: row.organizationId,
      objectId: row.id,
      sizeBytes: completed ? (row.sizeBytes ?? row.receivedBytes) : row.receivedBytes,
      completed,
    });
  }

  /**
   * Every byte an object may have anywhere: staged, stored (local file or S3 object) and an S3
   * multipart upload in progress. Idempotent (removing what is already gone succeeds), so a retried
   * deletion may run it again.
   */
  async removeBytes(object: ObjectEntity): Promise<void> {
    await this.staging.remove(object.storageKey);
    await this.store.remove(object.storageKey);
    if (object.multipartUploadId && canPresign(this.store))
      await this.store.abortMultipartUpload(object.storageKey, object.multipartUploadId).catch((error) => {
        // Aborted by an earlier attempt: already what we want.
        if ((error as { name?: string }).name !== 'NoSuchUpload') throw error;
      });
  }

  /** The caller's object, once its bytes are complete (CONFLICT while it is still uploading). */
  async getCompleted(principal: Principal, id: string): Promise<ObjectEntity> {
    if (!UUID.test(id)) throw new NotFoundError('Object', id.slice(0, 64));
    const object = await this.get(principal, id);
    if (object.status !== 'completed')
      throw new ConflictError('The object is still uploading', { objectId: id });
    return object;
  }

  async downloadUrl(principal: Principal, id: string): Promise<{ url: string; expiresAt: Date }> {
    const object = await this.getCompleted(principal, id);
    if (canPresign(this.store)) {
      const ttl = this.links.ttlSeconds;
      const url = await this.store.presignDownload(object.storageKey, ttl, object.filename);
      return { url, expiresAt: new Date(Date.now() + ttl * 1000) };
    }
    return this.links.create({ organizationId: object.organizationId, objectId: object.id });
  }
}
