import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { FileNotFoundError, LocalDiskStorage, assertValidKey } from "./storage.js";

function tempRoot(): string {
  return mkdtempSync(join(tmpdir(), "rathaus-storage-"));
}

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

test("put, read, get, exists, delete", async () => {
  const root = tempRoot();
  try {
    const storage = new LocalDiskStorage(root);
    const data = Buffer.from("Bescheid vom 27.11.2026\n");
    const key = "t-usingen/cases/0190/bescheid.pdf";
    assert.equal(await storage.exists(key), false);
    const info = await storage.put(key, data);
    assert.deepEqual(info, { size: data.length, sha256: createHash("sha256").update(data).digest("hex") });
    assert.equal(await storage.exists(key), true);
    assert.deepEqual(await storage.read(key), data);
    assert.deepEqual(await collect(await storage.get(key)), data);

    // replacing
    const bigger = Buffer.alloc(200_000, 7);
    const info2 = await storage.put(key, Readable.from([bigger.subarray(0, 100_000), bigger.subarray(100_000)]));
    assert.equal(info2.size, 200_000);
    assert.equal(info2.sha256, createHash("sha256").update(bigger).digest("hex"));
    assert.deepEqual(await storage.read(key), bigger);
    assert.deepEqual(readdirSync(join(root, ".tmp")), [], "no temp files are left");

    await storage.delete(key);
    assert.equal(await storage.exists(key), false);
    await storage.delete(key); // missing: no error
    await assert.rejects(() => storage.read(key), (err: unknown) => err instanceof FileNotFoundError && err.code === "ENOENT");
    await assert.rejects(() => storage.get(key), FileNotFoundError);
    // a directory is not a file
    await storage.put("a/b/c.txt", Buffer.from("x"));
    assert.equal(await storage.exists("a/b"), false);
    await assert.rejects(() => storage.read("a/b"), FileNotFoundError);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("a failing source stream leaves no file and no temp file", async () => {
  const root = tempRoot();
  try {
    const storage = new LocalDiskStorage(root);
    const failing = new Readable({
      read() {
        this.push(Buffer.from("half"));
        this.destroy(new Error("connection reset"));
      },
    });
    await assert.rejects(() => storage.put("x/upload.bin", failing), /connection reset/);
    assert.equal(await storage.exists("x/upload.bin"), false);
    assert.deepEqual(readdirSync(join(root, ".tmp")), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test("path traversal and odd keys are rejected", async () => {
  const root = tempRoot();
  const outside = join(root, "..", `outside-${process.pid}.txt`);
  try {
    const storage = new LocalDiskStorage(join(root, "files"));
    writeFileSync(join(root, "secret.txt"), "geheim");
    const bad = [
      "../secret.txt",
      "a/../../secret.txt",
      "..",
      ".",
      "a/./b",
      "/etc/passwd",
      "a//b",
      "a/",
      "",
      "a\\..\\b",
      "a/b\u0000c",
      "ä.txt",
      ".tmp/x",
      ".hidden",
      "a b.txt",
      "x".repeat(1025),
      `../outside-${process.pid}.txt`,
    ];
    for (const key of bad) {
      assert.throws(() => assertValidKey(key), /invalid storage key/, `accepted ${JSON.stringify(key)}`);
      await assert.rejects(() => storage.put(key, Buffer.from("x")), /invalid storage key/);
      await assert.rejects(() => storage.read(key), /invalid storage key/);
      await assert.rejects(() => storage.exists(key), /invalid storage key/);
      await assert.rejects(() => storage.delete(key), /invalid storage key/);
      await assert.rejects(() => storage.get(key), /invalid storage key/);
    }
    assert.equal(existsSync(outside), false);
    for (const ok of ["a", "a.b", "t-1/cases/0190_x/file.v2.pdf", "a..b"]) assertValidKey(ok);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
