import { RecordingEntity } from './recording/recording.entity';

/** Every entity of the recordings database: the service registers it and the drift test checks it. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const recordingsEntities: Function[] = [RecordingEntity];
