import { ObjectEntity } from './object/object.entity';

/** Every entity of the storage database (the core adds the outbox and processed-events ones). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const storageEntities: Function[] = [ObjectEntity];
