import { CreateIdempotencyTables1764050000000 } from '@platform/idempotency';
import { CreateRecordings1795955326480 } from './1795955326480-create-recordings';

/**
 * Migrations of the recordings database, in order. The outbox/processed-events tables come from
 * @platform/messaging via ServiceCoreModule; this service's own tables are added here.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const recordingsMigrations: Function[] = [
  // The Idempotency-Key and message-id ledgers of `recordings.recording.create` (@IdempotentCommand).
  CreateIdempotencyTables1764050000000,
  CreateRecordings1795955326480,
];
