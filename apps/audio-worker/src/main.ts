import { runService } from '@platform/bootstrap';
import { audioWorkerService } from './service-definition';

runService(audioWorkerService);
