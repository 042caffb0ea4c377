import { CreateJobAttempts1796000100000 } from './1796000100000-create-job-attempts';
import { JobAttemptsStartedIndex1796300000000 } from './1796300000000-job-attempts-started-index';

/**
 * Migrations of the audio-worker database, in order. The outbox/processed-events tables come from
 * @platform/messaging via ServiceCoreModule; this service's own tables are added here.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const audioWorkerMigrations: Function[] = [
  CreateJobAttempts1796000100000,
  JobAttemptsStartedIndex1796300000000,
];
