import { runService } from '@platform/bootstrap';
import { recordingsService } from './service-definition';

runService(recordingsService);
