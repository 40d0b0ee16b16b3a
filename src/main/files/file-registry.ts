// Files the user handed to the app (picked, dropped, uploaded) and files the app made
// for the user (exports to download) are referred to by random ids, so no caller ever
// passes a raw path through the contract. Ids are unguessable and expire with the process.
import { randomBytes } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { FileRef } from '@shared/api';
import { AppError } from '@shared/errors';

export interface RegisteredFile extends FileRef {
  path: string;
  purpose: 'import' | 'export-destination' | 'download';
  /** delete the file when the registry forgets it (uploads, web downloads) */
  temporary: boolean;
}

export class FileRegistry {
  private readonly files = new Map<string, RegisteredFile>();

  register(
    path: string,
    purpose: RegisteredFile['purpose'],
    opts: { name?: string; temporary?: boolean } = {},
  ): RegisteredFile {
    const fileId = randomBytes(16).toString('base64url');
    let size = 0;
    try {
      size = statSync(path).size;
    } catch {
      size = 0;
    }
    const file: RegisteredFile = {
      fileId,
      name: opts.name ?? basename(path),
      size,
      path,
      purpose,
      temporary: opts.temporary ?? false,
    };
    this.files.set(fileId, file);
    return file;
  }

  get(fileId: string, purpose: RegisteredFile['purpose']): RegisteredFile {
    const file = this.files.get(fileId);
    if (!file || file.purpose !== purpose)
      throw new AppError('not_found', 'That file is no longer available; pick it again.');
    return file;
  }

  toRef(file: RegisteredFile): FileRef {
    return { fileId: file.fileId, name: file.name, size: file.size };
  }

  /** Deletes the files the app made for the user's session (uploads, web downloads). */
  clearTemporary(): void {
    for (const [fileId, file] of this.files) {
      if (!file.temporary) continue;
      rmSync(file.path, { force: true });
      this.files.delete(fileId);
    }
  }
}
