import { ConflictError } from '@platform/errors';
import type { ObjectEntity } from '../object/object.entity';
import type { ObjectRepository } from '../object/object.repository';

/**
 * A recording has at most one object, ever: a second upload naming it is refused, and so is any
 * upload naming a recording that was deleted (its tombstone stays, bytes or not), so no bytes are
 * stored that nothing would ever reach or delete. Call inside the tenant transaction holding the
 * organization's quota lock (what the deletion consumer takes too).
 */
export async function assertRecordingTakesUpload(
  objects: ObjectRepository,
  recordingId: string | null | undefined,
): Promise<void> {
  if (!recordingId) return;
  refuseTakenRecording(await objects.findByRecording(recordingId), recordingId);
}

/** The refusal for a recording whose object (or tombstone) is `existing`. */
export function refuseTakenRecording(existing: ObjectEntity | null, recordingId: string): void {
  if (existing?.status === 'deleted')
    throw new ConflictError('This recording was deleted: it takes no upload', { recordingId });
  if (existing) throw new ConflictError('This recording already has an upload', { recordingId });
}
