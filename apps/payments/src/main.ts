import { runService } from '@platform/bootstrap';
import { paymentsService } from './service-definition';

runService(paymentsService);
