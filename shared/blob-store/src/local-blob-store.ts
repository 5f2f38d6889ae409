import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, copyFile, mkdir, open, readdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  assertBufferSize,
  assertValidBucket,
  assertValidKey,
  assertValidPrefix,
  assertValidSize,
  checkedBytes,
  InvalidBlobPathError,
  type BlobEntry,
  type BlobStat,
  type BlobStore,
} from './blob-store.js';

/**
 * Temp files are written beside their target (same folder, so the rename is atomic) under this
 * reserved name prefix. Listing skips them, and keys whose last segment starts with it are refused.
 */
const TEMP_PREFIX = '.blob-tmp-';
/** deletePrefix removes temp files older than this: left behind by a process that died mid-write. */
const STALE_TEMP_MS = 60 * 60 * 1000;
/** A file name's limit on common file systems (NAME_MAX), in bytes. */
const MAX_SEGMENT_BYTES = 255;
/** How often put retries when a concurrent deletePrefix/delete removed the folder it just made. */
const FOLDER_RACE_RETRIES = 20;

/**
 * The embedded default: `<rootDir>/<bucket>/<key>`, one file per object.
 *
 * Writes go to a temp file in the target's folder, are fsynced and renamed into place, so a reader
 * sees the old object or the new one, never a torn file; with concurrent writers to one key the
 * last rename wins. Reads stream from an open descriptor, so a read that started before an
 * overwrite finishes with the old content.
 *
 * Unlike S3, a key cannot also be a folder of other keys (`a` and `a/b` cannot both exist); a put
 * that would need that fails with InvalidBlobPathError.
 */
export class LocalBlobStore implements BlobStore {
  readonly rootDir: string;
  /** rootDir with a trailing separator: every path the store touches starts with it. */
  private readonly inside: string;

  constructor(rootDir: string) {
    this.rootDir = path.resolve(rootDir);
    this.inside = this.rootDir.endsWith(path.sep) ? this.rootDir : this.rootDir + path.sep;
  }

  async put(bucket: string, key: string, data: Buffer | Readable, size?: number): Promise<void> {
    const file = this.fileOf(bucket, key);
    assertValidSize(size);
    if (Buffer.isBuffer(data)) assertBufferSize(data, size);
    const dir = path.dirname(file);
    for (let attempt = 0; ; attempt++) {
      const temp = path.join(dir, TEMP_PREFIX + randomBytes(8).toString('hex'));
      let handle;
      try {
        handle = (await this.makeFolder(dir, key)) ? await open(temp, 'wx') : undefined;
      } catch (err) {
        if (code(err) !== 'ENOENT') throw err;
      }
      if (!handle) {
        // A concurrent delete/deletePrefix pruned a folder while we made it or before we opened the file.
        if (attempt < FOLDER_RACE_RETRIES) continue;
        throw new Error(`cannot store ${JSON.stringify(key)}: its folder kept being removed by concurrent deletes`);
      }
      try {
        await writeFile(handle, Buffer.isBuffer(data) ? data : checkedBytes(data, size));
        await handle.sync();
        await handle.close();
        await rename(temp, file);
      } catch (err) {
        if (!Buffer.isBuffer(data)) data.destroy();
        await handle.close().catch(() => undefined);
        await rm(temp, { force: true });
        if (code(err) === 'EISDIR' || code(err) === 'ENOTEMPTY') throw keyIsFolder(key);
        throw err;
      }
      await syncFolder(dir);
      return;
    }
  }

  async get(bucket: string, key: string): Promise<Buffer | null> {
    const file = this.fileOf(bucket, key);
    try {
      return await readFile(file);
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async getStream(bucket: string, key: string): Promise<Readable | null> {
    const file = this.fileOf(bucket, key);
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
    try {
      if ((await handle.stat()).isFile()) return handle.createReadStream();
    } catch (err) {
      await handle.close();
      throw err;
    }
    await handle.close();
    return null;
  }

  async stat(bucket: string, key: string): Promise<BlobStat | null> {
    const file = this.fileOf(bucket, key);
    try {
      const s = await stat(file);
      return s.isFile() ? { size: s.size } : null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    return (await this.stat(bucket, key)) !== null;
  }

  /** Copies into a temp file beside the target, fsyncs it and renames it into place (as put does). */
  async copy(fromBucket: string, fromKey: string, toBucket: string, toKey: string): Promise<boolean> {
    const source = this.fileOf(fromBucket, fromKey);
    const target = this.fileOf(toBucket, toKey);
    const dir = path.dirname(target);
    for (let attempt = 0; ; attempt++) {
      if (!(await this.makeFolder(dir, toKey))) {
        if (attempt < FOLDER_RACE_RETRIES) continue;
        throw new Error(`cannot copy to ${JSON.stringify(toKey)}: its folder kept being removed by concurrent deletes`);
      }
      const temp = path.join(dir, TEMP_PREFIX + randomBytes(8).toString('hex'));
      try {
        await copyFile(source, temp, constants.COPYFILE_EXCL);
      } catch (err) {
        await rm(temp, { force: true });
        if (isMissing(err) && !(await this.exists(fromBucket, fromKey))) {
          await this.pruneEmptyFolders(dir);
          return false;
        }
        if (code(err) === 'ENOENT' && attempt < FOLDER_RACE_RETRIES) continue; // our folder was pruned
        throw err;
      }
      try {
        const handle = await open(temp, 'r+');
        await handle.sync().finally(() => handle.close());
        await rename(temp, target);
      } catch (err) {
        await rm(temp, { force: true });
        if (code(err) === 'EISDIR' || code(err) === 'ENOTEMPTY') throw keyIsFolder(toKey);
        throw err;
      }
      await syncFolder(dir);
      return true;
    }
  }

  async list(bucket: string, prefix: string): Promise<BlobEntry[]> {
    assertValidBucket(bucket);
    assertValidPrefix(prefix);
    const out: BlobEntry[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (isMissing(err)) return;
        throw err;
      }
      for (const entry of entries) {
        const key = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) await walk(path.join(dir, entry.name), key);
        } else if (!entry.name.startsWith(TEMP_PREFIX) && key.startsWith(prefix)) {
          try {
            const s = await stat(path.join(dir, entry.name));
            out.push({ key, size: s.size, modifiedAt: s.mtimeMs });
          } catch (err) {
            if (!isMissing(err)) throw err; // deleted while we listed
          }
        }
      }
    };
    await walk(path.join(this.rootDir, bucket), '');
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(bucket: string, key: string): Promise<void> {
    const file = this.fileOf(bucket, key);
    try {
      await unlink(file);
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    await this.pruneEmptyFolders(path.dirname(file));
  }

  async deletePrefix(bucket: string, prefix: string): Promise<number> {
    assertValidBucket(bucket);
    assertValidPrefix(prefix);
    const bucketDir = path.join(this.rootDir, bucket);
    // Only the folder of the prefix's last '/' can hold matching keys; its last segment is a name filter.
    const slash = prefix.lastIndexOf('/');
    const baseRel = slash >= 0 ? prefix.slice(0, slash) : '';
    const baseDir = baseRel ? path.join(bucketDir, ...baseRel.split('/')) : bucketDir;
    const removed = await this.removeMatching(baseDir, baseRel, prefix);
    await this.pruneEmptyFolders(baseDir);
    return removed;
  }

  async health(): Promise<boolean> {
    try {
      await mkdir(this.rootDir, { recursive: true });
      await access(this.rootDir, constants.R_OK | constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }

  /** Deletes matching files under `dir` (whose key path is `rel`) and the folders it empties. */
  private async removeMatching(dir: string, rel: string, prefix: string): Promise<number> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return 0;
      throw err;
    }
    let removed = 0;
    for (const entry of entries) {
      const key = rel ? `${rel}/${entry.name}` : entry.name;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!`${key}/`.startsWith(prefix)) continue;
        removed += await this.removeMatching(full, key, prefix);
        await removeFolderIfEmpty(full);
      } else if (entry.name.startsWith(TEMP_PREFIX)) {
        await removeIfStale(full);
      } else if (key.startsWith(prefix)) {
        try {
          await unlink(full);
          removed++;
        } catch (err) {
          if (!isMissing(err)) throw err; // a concurrent delete got there first
        }
      }
    }
    return removed;
  }

  /** Removes `dir` and its ancestors while they are empty, up to and including the bucket folder. */
  private async pruneEmptyFolders(dir: string): Promise<void> {
    for (let d = dir; d.startsWith(this.inside) && d !== this.rootDir; d = path.dirname(d)) {
      if (!(await removeFolderIfEmpty(d))) return;
    }
  }

  /** False when a concurrent prune raced the mkdir (the caller retries). */
  private async makeFolder(dir: string, key: string): Promise<boolean> {
    try {
      await mkdir(dir, { recursive: true });
      return true;
    } catch (err) {
      const c = code(err);
      if (c === 'ENOENT') return false;
      if (c !== 'ENOTDIR' && c !== 'EEXIST') throw err;
      // Either an object file sits where a folder must be, or a folder vanished mid-mkdir.
      if (await this.fileInTheWay(dir)) throw keyIsFolder(key);
      return false;
    }
  }

  private async fileInTheWay(dir: string): Promise<boolean> {
    for (let d = dir; d.startsWith(this.inside); d = path.dirname(d)) {
      try {
        if (!(await stat(d)).isDirectory()) return true;
      } catch (err) {
        if (!isMissing(err)) throw err;
      }
    }
    return false;
  }

  private fileOf(bucket: string, key: string): string {
    assertValidBucket(bucket);
    assertValidKey(key);
    const segments = key.split('/');
    for (const segment of segments) {
      if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
        throw new InvalidBlobPathError(`invalid blob key ${JSON.stringify(key)}: the local store allows at most ${MAX_SEGMENT_BYTES} bytes between '/'`);
      }
    }
    if (segments[segments.length - 1]!.startsWith(TEMP_PREFIX)) {
      throw new InvalidBlobPathError(`invalid blob key ${JSON.stringify(key)}: names starting with '${TEMP_PREFIX}' are reserved by the local store`);
    }
    const file = path.join(this.rootDir, bucket, ...segments);
    // Belt and braces: the checks above already make escaping impossible.
    if (!file.startsWith(path.join(this.inside, bucket) + path.sep)) {
      throw new InvalidBlobPathError(`invalid blob key ${JSON.stringify(key)}: resolves outside the bucket`);
    }
    return file;
  }
}

function keyIsFolder(key: string): InvalidBlobPathError {
  return new InvalidBlobPathError(
    `cannot store ${JSON.stringify(key)}: the local store keeps keys as files, so a key cannot also be a folder of other keys`,
  );
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** ENOTDIR: a parent of the path is a file; EISDIR: the path is a folder. Neither is an object. */
function isMissing(err: unknown): boolean {
  const c = code(err);
  return c === 'ENOENT' || c === 'ENOTDIR' || c === 'EISDIR';
}

async function removeFolderIfEmpty(dir: string): Promise<boolean> {
  try {
    await rmdir(dir);
    return true;
  } catch (err) {
    const c = code(err);
    if (c === 'ENOENT') return true;
    if (c === 'ENOTEMPTY' || c === 'EEXIST' || c === 'ENOTDIR') return false;
    throw err;
  }
}

async function removeIfStale(file: string): Promise<void> {
  try {
    if (Date.now() - (await stat(file)).mtimeMs > STALE_TEMP_MS) await unlink(file);
  } catch (err) {
    if (!isMissing(err)) throw err;
  }
}

/** Makes the rename durable. Some platforms cannot fsync a folder; the rename is still atomic there. */
async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close();
  }
}
