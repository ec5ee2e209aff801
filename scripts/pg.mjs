#!/usr/bin/env node
// Throwaway PostgreSQL 15 cluster for tests and benchmarks.
//
// Library:
//   import { startPostgres } from './pg.mjs';
//   const pg = await startPostgres();   // { url, adminUrl, port, stop }
//   ...
//   await pg.stop();                     // idempotent
//
// CLI:
//   node scripts/pg.mjs -- CMD ARGS...   start PG, run CMD with DATABASE_URL_ADMIN and
//                                        TEST_PG_URL set, stop PG, exit with CMD's code
//   node scripts/pg.mjs                  start PG, print the URL, run until Ctrl-C
//
// Environment: PG_BIN overrides the binary directory (default /usr/lib/postgresql/15/bin).
//
// Cleanup: stop() removes everything. As a backstop, an 'exit' handler stops all
// clusters synchronously, SIGINT/SIGTERM/SIGHUP do the same when nobody else handles
// them, and a small detached watchdog process removes the cluster if this process is
// killed with SIGKILL.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PG_BIN = process.env.PG_BIN || '/usr/lib/postgresql/15/bin';
const PG_USER = 'postgres';
const START_ATTEMPTS = 5;
const START_TIMEOUT_S = 60;

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Active clusters, for the exit/signal backstop. */
const active = new Set();
let handlersInstalled = false;

// ---------------------------------------------------------------------------
// helpers

/** Command + args, wrapped in `runuser -u postgres --` when we are root. */
function asPgUser(bin, args) {
  const file = path.join(PG_BIN, bin);
  return isRoot ? ['runuser', ['-u', PG_USER, '--', file, ...args]] : [file, args];
}

/**
 * Run a command, capture output; resolves { code, signal, output }. Never rejects on exit code.
 * The child gets its own process group (so a terminal Ctrl-C does not hit it half-way,
 * and cleanup can kill the whole group); `owner.proc` tracks it while it runs.
 */
function run(cmd, args, opts = {}, owner = null) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts });
    if (owner) owner.proc = child;
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => {
      if (owner && owner.proc === child) owner.proc = null;
      reject(err);
    });
    child.on('close', (code, signal) => {
      if (owner && owner.proc === child) owner.proc = null;
      resolve({ code, signal, output });
    });
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function tail(file, lines = 40) {
  try {
    const text = fs.readFileSync(file, 'utf8').trimEnd();
    return text ? text.split('\n').slice(-lines).join('\n') : '(empty)';
  } catch (err) {
    return `(no log: ${err.code || err.message})`;
  }
}

function pgIds() {
  const uid = Number(execFileSync('id', ['-u', PG_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', PG_USER], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function stopArgs(c) {
  return asPgUser('pg_ctl', ['stop', '-D', c.dataDir, '-m', 'immediate', '-w', '-t', '30']);
}

function maybeRunning(c) {
  return c.started || fs.existsSync(path.join(c.dataDir, 'postmaster.pid'));
}

/** Kill an in-flight initdb / pg_ctl (whole process group). */
function killInFlight(c) {
  if (c.proc && c.proc.exitCode === null && c.proc.signalCode === null) {
    try { process.kill(-c.proc.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  c.proc = null;
}

/** The watchdog is only dismissed once the temp dir is really gone; otherwise it cleans up after us. */
function dismissWatchdog(c) {
  if (c.watchdog && !fs.existsSync(c.tmp)) {
    try { process.kill(c.watchdog, 'SIGTERM'); } catch { /* already gone */ }
    c.watchdog = null;
  }
}

/** Synchronous stop + removal; used by the exit/signal backstop and failure paths. */
function stopSync(c) {
  killInFlight(c);
  if (maybeRunning(c)) {
    const [cmd, args] = stopArgs(c);
    try { execFileSync(cmd, args, { stdio: 'ignore', cwd: '/', timeout: 35_000 }); } catch { /* not running */ }
    c.started = false;
  }
  try { fs.rmSync(c.tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }); } catch { /* best effort */ }
  dismissWatchdog(c);
  active.delete(c);
}

/** Async variant used by stop(). */
async function stopAsync(c) {
  killInFlight(c);
  if (maybeRunning(c)) {
    const [cmd, args] = stopArgs(c);
    await run(cmd, args, { cwd: '/' }).catch(() => {});
    c.started = false;
  }
  await fs.promises.rm(c.tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }).catch(() => {});
  dismissWatchdog(c);
  active.delete(c);
}

function installHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const c of [...active]) stopSync(c);
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    const onSignal = () => {
      // If someone else also listens (e.g. a runner that forwards the signal to its
      // child and then calls stop()), let them handle it; the exit handler is the backstop.
      if (process.listenerCount(sig) > 1) return;
      for (const c of [...active]) stopSync(c);
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig); // re-raise with default disposition
    };
    process.on(sig, onSignal);
  }
}

/**
 * Detached watchdog: if this process disappears without cleaning up (SIGKILL, OOM),
 * stop the cluster and remove the temp dir. Killed by stop().
 */
function startWatchdog(c) {
  const [cmd, args] = stopArgs(c);
  const code = `
    const { execFileSync } = require('child_process');
    const fs = require('fs');
    const [ppid, cmd, args, tmp] = JSON.parse(process.argv[1]);
    process.on('SIGTERM', () => process.exit(0));
    const timer = setInterval(() => {
      try { process.kill(ppid, 0); return; } catch (e) { if (e.code === 'EPERM') return; }
      clearInterval(timer);
      const cleanup = () => {
        try { execFileSync(cmd, args, { stdio: 'ignore', cwd: '/', timeout: 35000 }); } catch {}
        try { fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 }); } catch {}
      };
      cleanup();
      // a second pass in case an initdb / pg_ctl start was still running during the first
      setTimeout(() => { cleanup(); process.exit(0); }, 3000);
    }, 1000);
  `;
  try {
    const child = spawn(process.execPath, ['-e', code, JSON.stringify([process.pid, cmd, args, c.tmp])], {
      detached: true,
      stdio: 'ignore',
      cwd: '/',
    });
    child.on('error', () => {});
    child.unref();
    return child.pid ?? null;
  } catch {
    return null; // the watchdog is a nice-to-have
  }
}

// ---------------------------------------------------------------------------
// main API

/**
 * Start a throwaway PostgreSQL 15 cluster.
 * @param {{ log?: (...args: any[]) => void }} [options]
 * @returns {Promise<{ url: string, adminUrl: string, port: number, stop: () => Promise<void> }>}
 */
export async function startPostgres({ log = console.error } = {}) {
  const t0 = performance.now();
  for (const bin of ['initdb', 'pg_ctl', 'postgres']) {
    if (!fs.existsSync(path.join(PG_BIN, bin))) {
      throw new Error(`PostgreSQL binary not found: ${path.join(PG_BIN, bin)} (install postgresql-15 or set PG_BIN)`);
    }
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rathaus-pg-'));
  const c = {
    tmp,
    dataDir: path.join(tmp, 'data'),
    sockDir: path.join(tmp, 'sock'),
    logFile: path.join(tmp, 'postgres.log'),
    started: false,
    watchdog: null,
    proc: null, // in-flight initdb / pg_ctl
  };
  active.add(c);
  installHandlers();

  const fail = (msg, output = '') => {
    const err = new Error(
      `${msg}\n` +
        (output.trim() ? `--- command output ---\n${output.trimEnd()}\n` : '') +
        `--- tail of ${c.logFile} ---\n${tail(c.logFile)}`,
    );
    stopSync(c);
    return err;
  };

  try {
    fs.mkdirSync(c.dataDir, { mode: 0o700 });
    fs.mkdirSync(c.sockDir, { mode: 0o700 });
    if (isRoot) {
      const { uid, gid } = pgIds();
      for (const p of [tmp, c.dataDir, c.sockDir]) fs.chownSync(p, uid, gid);
    }
    c.watchdog = startWatchdog(c);

    // initdb (its output is captured and included in the error on failure)
    {
      const [cmd, args] = asPgUser('initdb', [
        '-D', c.dataDir, '-A', 'trust', '-U', PG_USER, '--locale=C.UTF-8', '-E', 'UTF8', '--no-instructions', '--no-sync',
      ]);
      const r = await run(cmd, args, { cwd: tmp }, c);
      if (r.code !== 0) throw fail(`initdb failed (exit ${r.code ?? r.signal})`, r.output);
    }

    // pg_ctl start, retrying on a different port if it fails (e.g. port race)
    let port;
    let lastOutput = '';
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      port = await freePort();
      const opts = [
        `-p ${port}`,
        `-k ${c.sockDir}`,
        '-c listen_addresses=127.0.0.1',
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=200',
      ].join(' ');
      const [cmd, args] = asPgUser('pg_ctl', [
        'start', '-w', '-t', String(START_TIMEOUT_S), '-D', c.dataDir, '-l', c.logFile, '-o', opts,
      ]);
      c.started = true; // from here on, stop attempts are needed even if pg_ctl reports failure
      const r = await run(cmd, args, { cwd: tmp }, c);
      if (r.code === 0) {
        lastOutput = '';
        break;
      }
      lastOutput = r.output;
      log(`[pg] start attempt ${attempt}/${START_ATTEMPTS} on port ${port} failed (exit ${r.code ?? r.signal})`);
      // make sure no half-started postmaster is left before retrying
      const [scmd, sargs] = stopArgs(c);
      await run(scmd, sargs, { cwd: tmp }, c).catch(() => {});
      c.started = false;
      if (attempt === START_ATTEMPTS) {
        throw fail(`PostgreSQL failed to start after ${START_ATTEMPTS} attempts`, lastOutput);
      }
    }

    const url = `postgres://${PG_USER}@127.0.0.1:${port}/postgres`;
    let stopping = null;
    const stop = () => {
      if (!stopping) {
        stopping = active.has(c) ? stopAsync(c) : Promise.resolve();
      }
      return stopping;
    };

    log(`[pg] PostgreSQL 15 ready at ${url} in ${Math.round(performance.now() - t0)} ms (dir ${tmp})`);
    return { url, adminUrl: url, port, stop };
  } catch (err) {
    if (active.has(c)) stopSync(c);
    throw err;
  }
}

// ---------------------------------------------------------------------------
// CLI

async function main(argv) {
  const sep = argv.indexOf('--');
  const cmdArgs = sep >= 0 ? argv.slice(sep + 1) : argv;
  let pg;
  try {
    pg = await startPostgres();
  } catch (err) {
    console.error(`[pg] ${err.message}`);
    return 1;
  }

  if (cmdArgs.length === 0) {
    // interactive mode: keep the cluster until a signal arrives
    console.log(pg.url);
    console.error('[pg] running; press Ctrl-C to stop');
    await new Promise((resolve) => {
      for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.once(sig, resolve);
      setInterval(() => {}, 1 << 30);
    });
    await pg.stop();
    return 0;
  }

  const [cmd, ...args] = cmdArgs;
  const child = spawn(cmd, args, {
    stdio: 'inherit',
    env: { ...process.env, DATABASE_URL_ADMIN: pg.url, TEST_PG_URL: pg.url },
  });
  const forward = (sig) => () => {
    try { child.kill(sig); } catch { /* gone */ }
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, forward(sig));

  const code = await new Promise((resolve) => {
    child.on('error', (err) => {
      console.error(`[pg] failed to run ${cmd}: ${err.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? 128 + (os.constants.signals[signal] ?? 1)));
  });
  await pg.stop();
  return code;
}

const isMain = (() => {
  try {
    return fs.realpathSync(process.argv[1] ?? '') === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
