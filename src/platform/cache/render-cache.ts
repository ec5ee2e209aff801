import { createHash } from "node:crypto";

interface Entry {
  version: string;
  etag: string;
  /** encoded once: sending a Buffer spares the UTF-8 encoding of the page on every request */
  body: Buffer;
  contentType: string;
  /** epoch ms after which the entry is stale (time-dependent pages); Infinity when not */
  expiresAt: number;
}

/**
 * Rendered anonymous GET pages, keyed by host and URL, valid for one content version.
 * Memory only: correctness across processes comes from the version read from the database.
 */
export class RenderCache {
  private entries = new Map<string, Entry>();
  constructor(private readonly maxEntries = 5000) {}

  get(key: string, version: string, nowMs: number): Entry | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.version !== version || e.expiresAt <= nowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  set(key: string, version: string, body: string, contentType: string, expiresAt = Infinity): Entry {
    const encoded = Buffer.from(body, "utf8");
    const etag = `"${createHash("sha1").update(encoded).digest("base64url").slice(0, 22)}"`;
    const entry = { version, etag, body: encoded, contentType, expiresAt };
    if (this.entries.size >= this.maxEntries) {
      // Maps iterate in insertion order: drop the oldest.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, entry);
    return entry;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
