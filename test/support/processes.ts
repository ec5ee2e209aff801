import { spawn, type ChildProcess } from "node:child_process";
import { createConnection, createServer, type AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (where src/cli.ts lives). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Configuration variables of the platform; a spawned process gets only the ones the test sets. */
const APP_ENV = [
  "PORT", "HOST", "DATABASE_URL", "DATA_DIR", "BASE_URL", "LOG_LEVEL", "DEMO", "SECRET_KEY", "RATE_LIMIT_PER_MINUTE",
  "SMTP_URL", "MAIL_FROM", "RUN_JOBS", "AUDIT_HEAD_INTERVAL_MS", "TRUST_PROXY", "NODE_ENV", "DEMO_SIZE",
  // set by `node --test` for its own children; a server process is no test
  "NODE_TEST_CONTEXT",
];

export function appEnv(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of APP_ENV) delete env[k];
  // the full demo council (hundreds of PDFs) is for `npm start`; spawned test servers seed the small one
  env.DEMO_SIZE = "small";
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) env[k] = v;
  return env;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A `rathaus` CLI process (`node --import tsx src/cli.ts …`) with its output kept. */
export class CliProcess {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  exit: Exit | undefined;
  readonly exited: Promise<Exit>;

  constructor(
    readonly name: string,
    args: string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    this.child.stdout!.setEncoding("utf8").on("data", (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding("utf8").on("data", (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => {
      this.child.once("error", (err) => {
        this.stderr += `\nspawn error: ${err.message}`;
        this.exit ??= { code: null, signal: null };
        resolve(this.exit);
      });
      this.child.once("close", (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  /** Waits for the exit, at most `ms`; undefined on timeout. */
  async waitForExit(ms: number): Promise<Exit | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills this one process (by its pid) if it still runs, and waits for it. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    this.child.kill("SIGKILL");
    await this.waitForExit(5000);
  }

  /** The output, for failure messages. */
  output(lines = 60): string {
    const tail = (s: string) => s.trimEnd().split("\n").slice(-lines).join("\n") || "(empty)";
    return `--- ${this.name} (pid ${this.pid}, exit ${JSON.stringify(this.exit ?? "running")}) stderr ---\n${tail(this.stderr)}\n--- ${this.name} stdout ---\n${tail(this.stdout)}`;
  }

  /** pino lines at level error (50) or above (pino writes to stdout; stderr is read too, to be sure). */
  errorLogs(): string[] {
    return `${this.stdout}\n${this.stderr}`
      .split("\n")
      .filter((l) => {
        try {
          return (JSON.parse(l) as { level?: number }).level! >= 50;
        } catch {
          return false;
        }
      });
  }
}

/** Runs a CLI command to its end; throws with its output when it fails. */
export async function runCli(name: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliProcess> {
  const p = new CliProcess(name, args, env);
  const exit = await p.waitForExit(timeoutMs);
  if (!exit) {
    await p.kill();
    throw new Error(`${name} did not finish within ${timeoutMs} ms\n${p.output()}`);
  }
  if (exit.code !== 0) throw new Error(`${name} failed\n${p.output()}`);
  return p;
}

/** Polls GET /readyz until it answers 200; throws with the process output on exit or timeout. */
export async function waitReady(p: CliProcess, port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline) {
    if (!p.alive) throw new Error(`${p.name} exited before it was ready\n${p.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await sleep(150);
  }
  throw new Error(`${p.name} not ready after ${timeoutMs} ms (${last})\n${p.output()}`);
}

/** true when a TCP connection to the port is refused (nothing listens any more). */
export function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
