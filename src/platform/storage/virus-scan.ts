import { createConnection } from "node:net";

/**
 * Virus scanning of uploads through a ClamAV daemon (clamd) over its INSTREAM protocol: the
 * bytes go to clamd over a socket, so clamd needs no access to our storage. Optional: without
 * CLAMD the scanner is disabled and reports every file clean.
 */

export type ScanResult = { status: "clean" } | { status: "infected"; signature: string } | { status: "error"; message: string };

export interface VirusScanner {
  /** Never throws: connection problems and timeouts are results with status "error" (English, for logs). */
  scan(data: Buffer): Promise<ScanResult>;
  readonly enabled: boolean;
}

export type ClamdAddress = { path: string } | { host: string; port: number };

/** clamd takes chunks of any size up to StreamMaxLength in total; 64 KiB keeps each write small. */
const CHUNK_BYTES = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;

/** "/run/clamav/clamd.ctl" (unix socket) or "tcp://host:port"; undefined for anything else. */
export function parseClamdAddress(value: string): ClamdAddress | undefined {
  if (value.startsWith("/")) return { path: value };
  if (!value.startsWith("tcp://")) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const port = Number(url.port);
  const bare = !url.username && !url.password && !url.search && !url.hash && (url.pathname === "" || url.pathname === "/");
  if (!url.hostname || !Number.isInteger(port) || port < 1 || !bare) return undefined;
  return { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port };
}

/** Sends the request and resolves with clamd's reply up to its terminating NUL; rejects on socket errors and timeout. */
function exchange(address: ClamdAddress, request: Buffer[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(address);
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      close();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const close = () => {
      clearTimeout(timer);
      socket.destroy();
    };
    const reply = () => {
      close();
      const text = Buffer.concat(received).toString("utf8");
      resolve(text.slice(0, text.includes("\0") ? text.indexOf("\0") : undefined).trim());
    };
    socket.on("connect", () => request.forEach((part) => socket.write(part)));
    socket.on("data", (chunk: Buffer) => {
      received.push(chunk);
      if (chunk.includes(0)) reply();
    });
    socket.on("end", reply);
    socket.on("error", (err) => {
      close();
      reject(err);
    });
  });
}

/** zINSTREAM\0, then chunks of <uint32 BE length><bytes>, then a zero length. */
function instreamRequest(data: Buffer): Buffer[] {
  const parts: Buffer[] = [Buffer.from("zINSTREAM\0")];
  for (let at = 0; at < data.length; at += CHUNK_BYTES) {
    const chunk = data.subarray(at, at + CHUNK_BYTES);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(chunk.length);
    parts.push(length, chunk);
  }
  parts.push(Buffer.alloc(4));
  return parts;
}

/** "stream: OK", "stream: Eicar-Signature FOUND", "INSTREAM size limit exceeded. ERROR", … */
function resultOf(reply: string): ScanResult {
  if (reply === "stream: OK") return { status: "clean" };
  const found = /^stream: (.+) FOUND$/.exec(reply);
  if (found) return { status: "infected", signature: found[1]! };
  return { status: "error", message: `unexpected reply: ${JSON.stringify(reply)}` };
}

export function createVirusScanner(
  config: { clamd?: string | undefined; timeoutMs?: number },
  log?: { warn(obj: object, msg?: string): void },
): VirusScanner {
  const clamd = config.clamd;
  if (!clamd) return { enabled: false, scan: async () => ({ status: "clean" }) };
  const address = parseClamdAddress(clamd);
  if (!address) throw new Error(`clamd address must be a unix socket path or tcp://host:port, got "${clamd}"`);
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    enabled: true,
    async scan(data) {
      let result: ScanResult;
      try {
        result = resultOf(await exchange(address, instreamRequest(data), timeoutMs));
      } catch (err) {
        result = { status: "error", message: (err as Error).message };
      }
      if (result.status === "error") {
        result = { status: "error", message: `clamd at ${clamd}: ${result.message}` };
        log?.warn({ clamd, bytes: data.length, reason: result.message }, "virus scan failed");
      }
      return result;
    },
  };
}

/** True when clamd answers PING with PONG: for readiness checks and for tests waiting until clamd is up. */
export async function ping(clamd: string, timeoutMs = 2_000): Promise<boolean> {
  const address = parseClamdAddress(clamd);
  if (!address) return false;
  try {
    return (await exchange(address, [Buffer.from("zPING\0")], timeoutMs)) === "PONG";
  } catch {
    return false;
  }
}
