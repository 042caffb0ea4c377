import { CreateRecordings1795955326480 } from './1795955326480-create-recordings';

/**
 * Migrations of the recordings database, in order. The outbox/processed-events tables come from
 * @platform/messaging via ServiceCoreModule; this service's own tables are added here.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const recordingsMigrations: Function[] = [CreateRecordings1795955326480];
