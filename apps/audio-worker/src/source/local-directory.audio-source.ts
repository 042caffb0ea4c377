import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import * as path from 'node:path';
import { AudioJobError } from '../analysis/audio-errors';
import { AudioSource, type AudioObjectRef, type OpenedAudio } from './audio-source.port';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Objects as storage's local driver lays them out: `<AUDIO_LOCAL_ROOT>/objects/<organizationId>/<objectId>`,
 * on a volume the worker shares with storage (AUDIO_LOCAL_ROOT = storage's STORAGE_LOCAL_ROOT), or a
 * directory a test fills. Both ids must be uuids (storage generates them): nothing else can name a
 * path, so `..` or an absolute path never reaches the filesystem.
 */
export class LocalDirectoryAudioSource extends AudioSource {
  constructor(private readonly root: string) {
    super();
  }

  /** Where object `ref` lives under `root` (for tests and for storage's layout). */
  static pathOf(root: string, ref: Pick<AudioObjectRef, 'organizationId' | 'objectId'>): string {
    if (!UUID.test(ref.organizationId) || !UUID.test(ref.objectId)) {
      throw new AudioJobError(
        'SOURCE_UNAVAILABLE',
        `"${ref.organizationId}/${ref.objectId}" is not a storage key`,
        true,
      );
    }
    return path.join(path.resolve(root), 'objects', ref.organizationId, ref.objectId);
  }

  async open(ref: AudioObjectRef): Promise<OpenedAudio> {
    const file = LocalDirectoryAudioSource.pathOf(this.root, ref);
    try {
      await access(file, constants.R_OK);
    } catch {
      // Retried: the volume may be catching up (or storage not yet done moving the file in place).
      throw new AudioJobError('SOURCE_UNAVAILABLE', `object ${ref.objectId} is not readable`, false);
    }
    return { path: file, release: async () => undefined };
  }
}
