import { CreateObjects1795955333515 } from './1795955333515-create-objects';
import { ObjectTombstones1796000000000 } from './1796000000000-object-tombstones';
import { UploadExpiry1796000200000 } from './1796000200000-upload-expiry';

/**
 * Migrations of the storage database, in order. The outbox/processed-events tables come from
 * @platform/messaging via ServiceCoreModule; this service's own tables are added here.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const storageMigrations: Function[] = [
  CreateObjects1795955333515,
  ObjectTombstones1796000000000,
  UploadExpiry1796000200000,
];
