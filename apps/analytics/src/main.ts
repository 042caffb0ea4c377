import { runService } from '@platform/bootstrap';
import { analyticsService } from './service-definition';

runService(analyticsService);
