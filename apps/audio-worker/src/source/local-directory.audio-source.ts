import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import * as path from 'node:path';
import { AudioJobError } from '../analysis/audio-errors';
import { AudioSource, type AudioObjectRef, type OpenedAudio } from './audio-source.port';

/**
 * Objects as files under one directory (`AUDIO_LOCAL_ROOT`): storage's local-filesystem driver on a
 * volume the worker shares, or a directory a test fills. The object id is a relative path inside the
 * root; anything that would resolve outside it (`..`, an absolute path) is refused.
 */
export class LocalDirectoryAudioSource extends AudioSource {
  constructor(private readonly root: string) {
    super();
  }

  async open(ref: AudioObjectRef): Promise<OpenedAudio> {
    const root = path.resolve(this.root);
    const file = path.resolve(root, ref.objectId);
    if (path.isAbsolute(ref.objectId) || !file.startsWith(root + path.sep)) {
      throw new AudioJobError(
        'SOURCE_UNAVAILABLE',
        `object id "${ref.objectId}" is not inside the storage root`,
        true,
      );
    }
    try {
      await access(file, constants.R_OK);
    } catch {
      // Retried: the volume may be catching up (or storage not yet done moving the file in place).
      throw new AudioJobError('SOURCE_UNAVAILABLE', `object "${ref.objectId}" is not readable`, false);
    }
    return { path: file, release: async () => undefined };
  }
}
