import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { createVirusScanner, parseClamdAddress, ping } from "./virus-scan.js";

const CLAMD_BIN = "/usr/sbin/clamd";

// The EICAR test file, assembled at run time so that this source file itself is not flagged.
const EICAR = Buffer.from(["X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR", "-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"].join(""), "latin1");
const PDF_HEAD = Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n", "latin1");

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "rathaus-clamd-"));
}

function recordingLog() {
  const warnings: Array<{ obj: object; msg?: string | undefined }> = [];
  return { warnings, warn: (obj: object, msg?: string) => void warnings.push({ obj, msg }) };
}

test("the EICAR string is the official one", () => {
  assert.equal(EICAR.length, 68);
  assert.equal(createHash("md5").update(EICAR).digest("hex"), "44d88612fea8a8f36de82e1278abb02f");
});

test("clamd addresses: unix socket path or tcp://host:port", () => {
  assert.deepEqual(parseClamdAddress("/run/clamav/clamd.ctl"), { path: "/run/clamav/clamd.ctl" });
  assert.deepEqual(parseClamdAddress("tcp://clamav.internal:3310"), { host: "clamav.internal", port: 3310 });
  assert.deepEqual(parseClamdAddress("tcp://[::1]:3310"), { host: "::1", port: 3310 });
  for (const bad of ["clamd.ctl", "tcp://clamav", "tcp://clamav:0", "tcp://clamav:99999", "http://clamav:3310", "tcp://u:p@clamav:3310", "tcp://clamav:3310/x"]) {
    assert.equal(parseClamdAddress(bad), undefined, bad);
  }
  assert.throws(() => createVirusScanner({ clamd: "clamav:3310" }), /unix socket path or tcp/);
});

test("without clamd the scanner is disabled and contacts nothing", async () => {
  const log = recordingLog();
  const scanner = createVirusScanner({ clamd: undefined }, log);
  assert.equal(scanner.enabled, false);
  assert.deepEqual(await scanner.scan(EICAR), { status: "clean" });
  assert.equal(createVirusScanner({}).enabled, false);
  assert.deepEqual(log.warnings, []);
});

test("a socket nobody listens on gives an error result and a warning, not an exception", async () => {
  const dir = tempDir();
  try {
    const log = recordingLog();
    const scanner = createVirusScanner({ clamd: join(dir, "missing.ctl") }, log);
    assert.equal(scanner.enabled, true);
    const result = await scanner.scan(PDF_HEAD);
    assert.equal(result.status, "error");
    assert.match((result as { message: string }).message, /missing\.ctl.*ENOENT/);
    assert.equal(log.warnings.length, 1);
    assert.equal(log.warnings[0]!.msg, "virus scan failed");
    assert.equal(await ping(join(dir, "missing.ctl")), false);

    const refused = await createVirusScanner({ clamd: "tcp://127.0.0.1:1" }).scan(PDF_HEAD);
    assert.equal(refused.status, "error");
    assert.match((refused as { message: string }).message, /ECONNREFUSED/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A TCP server that reads one INSTREAM request, reassembles the chunks and answers with reply(data). */
async function fakeClamd(reply: (data: Buffer, chunkSizes: number[]) => string | undefined): Promise<Server> {
  const server = createServer((socket: Socket) => {
    let buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const command = "zINSTREAM\0";
      if (buffered.length < command.length) return;
      assert.equal(buffered.toString("latin1", 0, command.length), command);
      const parts: Buffer[] = [];
      for (let at = command.length; at + 4 <= buffered.length; ) {
        const size = buffered.readUInt32BE(at);
        if (size === 0) {
          const answer = reply(Buffer.concat(parts), parts.map((p) => p.length));
          if (answer !== undefined) socket.end(`${answer}\0`);
          return;
        }
        if (at + 4 + size > buffered.length) return;
        parts.push(buffered.subarray(at + 4, at + 4 + size));
        at += 4 + size;
      }
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return server;
}

test("INSTREAM framing: chunks of at most 64 KiB that add up to the data, over tcp://", { timeout: 10_000 }, async () => {
  const data = Buffer.alloc(150_000);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31) % 251;
  let seen: { data: Buffer; chunkSizes: number[] } | undefined;
  const server = await fakeClamd((received, chunkSizes) => {
    seen = { data: received, chunkSizes };
    return "stream: Fake-Signature FOUND";
  });
  try {
    const { port } = server.address() as AddressInfo;
    const result = await createVirusScanner({ clamd: `tcp://127.0.0.1:${port}` }).scan(data);
    assert.deepEqual(result, { status: "infected", signature: "Fake-Signature" });
    assert.ok(seen);
    assert.ok(seen.data.equals(data), "clamd receives exactly the bytes");
    assert.ok(seen.chunkSizes.length >= 3 && seen.chunkSizes.every((n) => n > 0 && n <= 64 * 1024), String(seen.chunkSizes));
  } finally {
    server.close();
  }
});

test("no answer within the timeout gives an error result", { timeout: 10_000 }, async () => {
  const server = await fakeClamd(() => undefined);
  try {
    const { port } = server.address() as AddressInfo;
    const started = performance.now();
    const result = await createVirusScanner({ clamd: `tcp://127.0.0.1:${port}`, timeoutMs: 300 }).scan(PDF_HEAD);
    assert.equal(result.status, "error");
    assert.match((result as { message: string }).message, /no answer within 300 ms/);
    assert.ok(performance.now() - started < 5_000);
  } finally {
    server.close();
  }
});

describe("with a real clamd", { timeout: 90_000, skip: !existsSync(CLAMD_BIN) && "clamd not installed (apt-get install clamav-daemon)" }, () => {
  let dir: string;
  let socketPath: string;
  let clamd: ChildProcess | undefined;
  let exited: Promise<unknown>;
  let startMs = 0;
  const log = recordingLog();

  before(async () => {
    dir = tempDir();
    socketPath = join(dir, "clamd.ctl");
    const logFile = join(dir, "clamd.log");
    // Only our own signature (no freshclam downloads): EICAR anywhere in the data, so that it is
    // also found where it straddles two INSTREAM chunks.
    writeFileSync(join(dir, "eicar.ndb"), `Eicar-Test-Signature:0:*:${EICAR.toString("hex")}\n`);
    const config = [`LocalSocket ${socketPath}`, `DatabaseDirectory ${dir}`, `LogFile ${logFile}`, "Foreground yes"];
    writeFileSync(join(dir, "clamd.conf"), config.join("\n") + "\n");

    const started = performance.now();
    let stderr = "";
    const child = spawn(CLAMD_BIN, [`--config-file=${join(dir, "clamd.conf")}`], { stdio: ["ignore", "ignore", "pipe"] });
    clamd = child;
    child.stderr!.on("data", (c: Buffer) => void (stderr += c.toString()));
    exited = once(child, "exit");
    const deadline = started + 60_000;
    while (!(await ping(socketPath, 500))) {
      if (child.exitCode !== null || performance.now() > deadline) {
        const clamdLog = existsSync(logFile) ? readFileSync(logFile, "utf8") : "(no log file)";
        throw new Error(`clamd did not become ready (exit code ${child.exitCode}):\n${stderr}\n${clamdLog}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    startMs = performance.now() - started;
  });

  after(async () => {
    if (clamd && clamd.exitCode === null) {
      clamd.kill("SIGKILL");
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("clamd with only our signature starts in seconds", (t) => {
    t.diagnostic(`clamd ready after ${Math.round(startMs)} ms`);
    assert.ok(startMs > 0 && startMs < 15_000, `${startMs} ms`);
  });

  test("EICAR is infected", async () => {
    const result = await createVirusScanner({ clamd: socketPath }, log).scan(EICAR);
    assert.equal(result.status, "infected");
    assert.match((result as { signature: string }).signature, /^Eicar-Test-Signature/);
  });

  test("a PDF is clean", async () => {
    assert.deepEqual(await createVirusScanner({ clamd: socketPath }, log).scan(PDF_HEAD), { status: "clean" });
  });

  test("200 KB in several chunks: clean, and EICAR across a chunk border is found", async () => {
    const scanner = createVirusScanner({ clamd: socketPath }, log);
    const big = Buffer.alloc(200_000, "Antrag auf Wohngeld. ");
    assert.deepEqual(await scanner.scan(big), { status: "clean" });
    EICAR.copy(big, 64 * 1024 - 30);
    const result = await scanner.scan(big);
    assert.equal(result.status, "infected");
    assert.deepEqual(log.warnings, []);
  });

  test("when clamd is gone, a scan is an error result", async () => {
    clamd!.kill("SIGTERM");
    await exited;
    const result = await createVirusScanner({ clamd: socketPath }, log).scan(PDF_HEAD);
    assert.equal(result.status, "error");
    assert.equal(log.warnings.length, 1);
  });
});
