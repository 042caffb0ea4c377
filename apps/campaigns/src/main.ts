import { runService } from '@platform/bootstrap';
import { campaignsService } from './service-definition';

runService(campaignsService);
