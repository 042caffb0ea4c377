import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { EVENT_NAMES, type AudioAnalysis, type AudioAnalysisFailure } from '@platform/contracts';
import { LOGGER } from '@platform/bootstrap';
import { OutboxWriter } from '@platform/messaging';

export interface UploadedObject {
  organizationId: string;
  recordingId: string;
  objectId: string;
  sizeBytes: number;
  contentType: string | null;
}

/**
 * The recording's state machine, driven by events: UPLOADING → UPLOADED (storage) → PROCESSING
 * (worker progress) → READY | FAILED (worker result). Every transition is one guarded UPDATE, so a
 * late, duplicated or out-of-order event changes nothing (a progress report after READY, a second
 * upload of the same recording, anything about a deleted recording).
 */
@Injectable()
export class RecordingPipelineService {
  constructor(
    private readonly outbox: OutboxWriter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** UPLOADING → UPLOADED, and the analysis request in the same transaction (outbox). */
  async uploaded(manager: EntityManager, upload: UploadedObject): Promise<boolean> {
    const [rows] = (await manager.query(
      `UPDATE recordings SET status = 'UPLOADED', object_id = $2, size_bytes = $3, content_type = $4,
         progress = NULL, failure_reason = NULL, updated_at = now()
       WHERE id = $1 AND status = 'UPLOADING' AND deleted_at IS NULL RETURNING id`,
      [upload.recordingId, upload.objectId, upload.sizeBytes, upload.contentType],
    )) as [unknown[], number];
    if (rows.length === 0) {
      this.logger.warn(
        { recordingId: upload.recordingId },
        'upload of a recording not waiting for one: ignored',
      );
      return false;
    }
    await this.outbox.addEvent(manager, EVENT_NAMES.analysisRequested, {
      organizationId: upload.organizationId,
      recordingId: upload.recordingId,
      objectId: upload.objectId,
      contentType: upload.contentType,
      sizeBytes: upload.sizeBytes,
    });
    return true;
  }

  /** UPLOADED | PROCESSING → PROCESSING; progress never goes backwards (reports may overtake each other). */
  async progressed(manager: EntityManager, recordingId: string, percent: number): Promise<void> {
    await manager.query(
      `UPDATE recordings SET status = 'PROCESSING', progress = GREATEST(COALESCE(progress, 0), $2),
         updated_at = now()
       WHERE id = $1 AND status IN ('UPLOADED', 'PROCESSING') AND deleted_at IS NULL`,
      [recordingId, Math.min(percent, 99)],
    );
  }

  async completed(manager: EntityManager, recordingId: string, analysis: AudioAnalysis): Promise<void> {
    await manager.query(
      `UPDATE recordings SET status = 'READY', progress = 100, analysis = $2::jsonb,
         duration_seconds = $3, failure_reason = NULL, updated_at = now()
       WHERE id = $1 AND status IN ('UPLOADED', 'PROCESSING') AND deleted_at IS NULL`,
      [recordingId, JSON.stringify(analysis), analysis.durationSeconds],
    );
  }

  async failed(
    manager: EntityManager,
    recordingId: string,
    code: AudioAnalysisFailure,
    reason: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE recordings SET status = 'FAILED', failure_reason = $2, updated_at = now()
       WHERE id = $1 AND status IN ('UPLOADED', 'PROCESSING') AND deleted_at IS NULL`,
      [recordingId, `${code}: ${reason}`],
    );
  }
}
