import { runService } from '@platform/bootstrap';
import { voiceService } from './service-definition';

runService(voiceService);
