import type { ObjectDto } from '@platform/contracts';
import type { ObjectEntity } from './object.entity';

export function toObjectDto(entity: ObjectEntity): ObjectDto {
  return {
    id: entity.id,
    recordingId: entity.recordingId,
    status: entity.status,
    sizeBytes: entity.sizeBytes,
    receivedBytes: entity.receivedBytes,
    contentType: entity.contentType,
    sha256: entity.sha256,
    filename: entity.filename,
    createdAt: entity.createdAt.toISOString(),
    completedAt: entity.completedAt ? entity.completedAt.toISOString() : null,
  };
}
