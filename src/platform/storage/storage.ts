import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, open, readFile, rename, stat, unlink } from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

/**
 * Where uploaded and generated files live. Keys are relative paths ("tenant/case/abc.pdf");
 * the local disk is the default, an S3-compatible store the scale path (same interface).
 */
export interface FileStorage {
  /** Stores the data under key (replacing an existing file atomically). */
  put(key: string, data: Buffer | NodeJS.ReadableStream): Promise<{ size: number; sha256: string }>;
  /** A stream of the file; throws FileNotFoundError when there is none. */
  get(key: string): Promise<NodeJS.ReadableStream>;
  /** The whole file; throws FileNotFoundError when there is none. */
  read(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  /** Removes the file; a missing file is not an error. */
  delete(key: string): Promise<void>;
}

export class FileNotFoundError extends Error {
  readonly code = "ENOENT";
  constructor(readonly key: string) {
    super(`file not found: ${key}`);
    this.name = "FileNotFoundError";
  }
}

export class InvalidKeyError extends Error {
  constructor(key: string) {
    super(`invalid storage key: ${JSON.stringify(key.slice(0, 200))}`);
    this.name = "InvalidKeyError";
  }
}

/** segments of letters, digits, ".", "_", "-", separated by "/"; a segment never starts with "." */
const SEGMENT_RE = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const MAX_KEY_LENGTH = 1024;
const TMP_DIR = ".tmp";

/** Throws InvalidKeyError unless key is a safe relative path (no "..", no leading "/", no hidden segments). */
export function assertValidKey(key: string): void {
  if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_LENGTH) throw new InvalidKeyError(String(key));
  for (const segment of key.split("/")) {
    if (!SEGMENT_RE.test(segment)) throw new InvalidKeyError(key);
  }
}

function isEnoent(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === "ENOENT";
}

/**
 * Files on the local disk under `root`. Writes go to a temporary file in `root/.tmp` (keys never
 * start with ".", so it cannot collide) that is fsynced and then renamed into place: a crash
 * never leaves half a file under a key.
 */
export class LocalDiskStorage implements FileStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    const path = resolve(this.root, ...key.split("/"));
    // defence in depth: the validated key cannot leave the root
    if (!path.startsWith(this.root + sep)) throw new InvalidKeyError(key);
    return path;
  }

  async put(key: string, data: Buffer | NodeJS.ReadableStream): Promise<{ size: number; sha256: string }> {
    const target = this.pathOf(key);
    const tmpDir = join(this.root, TMP_DIR);
    await mkdir(tmpDir, { recursive: true });
    await mkdir(dirname(target), { recursive: true });
    const tmp = join(tmpDir, `${randomBytes(12).toString("hex")}.part`);
    const hash = createHash("sha256");
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        size += chunk.length;
        cb(null, chunk);
      },
    });
    try {
      const source = Buffer.isBuffer(data) ? Readable.from([data]) : (data as NodeJS.ReadableStream);
      await pipeline(source, measure, createWriteStream(tmp, { flags: "wx", mode: 0o640 }));
      const fh = await open(tmp, "r+");
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, target);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    await this.syncDir(dirname(target));
    return { size, sha256: hash.digest("hex") };
  }

  async get(key: string): Promise<NodeJS.ReadableStream> {
    const path = this.pathOf(key);
    try {
      // open first, so a missing file is reported here and not as a stream error later
      const fh = await open(path, "r");
      return fh.createReadStream();
    } catch (err) {
      if (isEnoent(err) || (err as NodeJS.ErrnoException)?.code === "EISDIR") throw new FileNotFoundError(key);
      throw err;
    }
  }

  async read(key: string): Promise<Buffer> {
    const path = this.pathOf(key);
    try {
      return await readFile(path);
    } catch (err) {
      if (isEnoent(err) || (err as NodeJS.ErrnoException)?.code === "EISDIR") throw new FileNotFoundError(key);
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    const path = this.pathOf(key);
    try {
      return (await stat(path)).isFile();
    } catch (err) {
      if (isEnoent(err)) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (err) {
      if (!isEnoent(err)) throw err;
    }
  }

  /** Makes a rename durable (best effort: not every platform can fsync a directory). */
  private async syncDir(dir: string): Promise<void> {
    try {
      const fh = await open(dir, "r");
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    } catch {
      // ignore
    }
  }
}
