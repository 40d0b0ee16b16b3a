// The release files on disk: `<releasesDir>/<version>/<name>`. An upload streams into a
// temporary file in the same folder tree while its SHA-512 (base64, as electron-updater
// checks it) and size are computed, and is renamed into place only when complete and
// within the size limit, so a feed never lists a half-written file. Names and versions
// are validated by the caller; this module still refuses anything that would leave the folder.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { inflateRawSync } from 'node:zlib';
import { HttpError } from '../errors';

export interface Received {
  temp: string;
  size: number;
  /** base64 */
  sha512: string;
}

export class ReleaseStorage {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The file's path, or an error when the segments would leave the releases folder. */
  pathOf(version: string, name: string): string {
    const plain = (segment: string) => segment !== '.' && segment !== '..' && !/[/\\\0]/.test(segment);
    const path = resolve(this.root, version, name);
    if (!plain(version) || !plain(name) || !path.startsWith(this.root + sep))
      throw new HttpError(400, 'invalid_request', 'the file name is not a plain file name');
    return path;
  }

  /**
   * Streams `body` into a temporary file, hashing as it goes; refuses more than maxBytes.
   * The caller then commits it under its name (or discards it) once the database agrees.
   */
  async receive(body: NodeJS.ReadableStream, maxBytes: number): Promise<Received> {
    const incoming = join(this.root, '.incoming');
    await mkdir(incoming, { recursive: true });
    const temp = join(incoming, `${randomBytes(12).toString('hex')}.part`);
    const hash = createHash('sha512');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        if (size > maxBytes) {
          done(new HttpError(413, 'payload_too_large', `a release file may be at most ${maxBytes} bytes`));
          return;
        }
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(temp, { flags: 'wx' }));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { temp, size, sha512: hash.digest('base64') };
  }

  /** Moves a received file into place (atomically replacing a draft's earlier upload). */
  async commit(received: Received, version: string, name: string): Promise<void> {
    const path = this.pathOf(version, name);
    await mkdir(join(this.root, version), { recursive: true });
    await rename(received.temp, path);
  }

  discard(received: Received): Promise<void> {
    return rm(received.temp, { force: true });
  }

  async size(version: string, name: string): Promise<number | null> {
    try {
      return (await stat(this.pathOf(version, name))).size;
    } catch {
      return null;
    }
  }

  read(version: string, name: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(version, name), range);
  }

  /**
   * An AppImage carries its blockmap at its end (deflated JSON, then its length as a
   * 4-byte big-endian integer); electron-updater's differential download needs that
   * length as `blockMapSize`. Null when the file has no readable embedded blockmap.
   */
  async embeddedBlockMapSize(version: string, name: string): Promise<number | null> {
    const handle = await open(this.pathOf(version, name), 'r');
    try {
      const { size } = await handle.stat();
      if (size < 8) return null;
      const tail = Buffer.alloc(4);
      await handle.read(tail, 0, 4, size - 4);
      const length = tail.readUInt32BE(0);
      if (length === 0 || length > size - 4 || length > 64 * 1024 * 1024) return null;
      const data = Buffer.alloc(length);
      await handle.read(data, 0, length, size - 4 - length);
      const map = JSON.parse(inflateRawSync(data).toString()) as { files?: unknown };
      return Array.isArray(map.files) ? length : null;
    } catch {
      return null;
    } finally {
      await handle.close();
    }
  }
}
