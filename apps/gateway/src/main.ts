import { runService } from '@platform/bootstrap';
import { gatewayService } from './service-definition';

runService(gatewayService);
