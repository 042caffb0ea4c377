import { runService } from '@platform/bootstrap';
import { authService } from './service-definition';

runService(authService);
