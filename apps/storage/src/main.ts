import { runService } from '@platform/bootstrap';
import { storageService } from './service-definition';

runService(storageService);
