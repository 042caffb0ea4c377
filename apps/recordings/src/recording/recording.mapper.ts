import type { RecordingDto } from '@platform/contracts';
import type { RecordingEntity } from './recording.entity';

export function toRecordingDto(entity: RecordingEntity): RecordingDto {
  return {
    id: entity.id,
    title: entity.title,
    tags: entity.tags,
    metadata: entity.metadata,
    ownerUserId: entity.ownerUserId,
    status: entity.status,
    progress: entity.progress,
    sizeBytes: entity.sizeBytes === null ? null : Number(entity.sizeBytes),
    durationSeconds: entity.durationSeconds,
    contentType: entity.contentType,
    failureReason: entity.failureReason,
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}
