#!/usr/bin/env node
// Browser test runner behind `npm run test:e2e`.
//
//   node scripts/run-e2e.mjs [NODE_FLAGS ...]
//
// - Starts the platform as a child process (`node --import tsx src/cli.ts serve`) on a free
//   port with a fresh temporary DATA_DIR, DEMO=true (Usingen, Neu-Anspach, demo accounts),
//   LOG_LEVEL=warn and a high RATE_LIMIT_PER_MINUTE; builds nothing.
// - Waits until /readyz answers 200 (30 s at most; prints the server's output otherwise).
// - Runs every test/e2e/*.test.ts file, listed explicitly (Node 20 does not expand globs and
//   would report success for zero files), one file at a time, with E2E_BASE_URL set.
//   Extra arguments starting with "-" go to the node test runner, e.g.
//   `npm run test:e2e -- --test-name-pattern=Tastatur`.
// - Stops the server (SIGTERM, then SIGKILL after 10 s), removes the temporary directory
//   and exits with the test runner's exit code.
// Chromium: /usr/bin/chromium unless CHROMIUM_PATH is set (see test/e2e/support.ts).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const E2E_DIR = path.join(ROOT, 'test', 'e2e');
const READY_TIMEOUT_MS = 90_000; // the full demo (council, participation, statistics) seeds before the server listens
const STOP_TIMEOUT_MS = 10_000;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const log = (msg) => console.error(`run-e2e: ${msg}`);

function testFiles() {
  let entries = [];
  try {
    entries = fs.readdirSync(E2E_DIR, { withFileTypes: true });
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  return entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && /\.test\.tsx?$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(E2E_DIR, e.name)))
    .sort();
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------

const files = testFiles();
if (files.length === 0) {
  log(`no *.test.ts files in ${path.relative(ROOT, E2E_DIR)}/ — refusing to report success`);
  process.exit(1);
}
const extraArgs = process.argv.slice(2).filter((a) => a !== '--');

let server = null;
let serverExit = null; // { code, signal } once the server process has ended
let serverOutput = '';
let tests = null;
let dataDir = null;
let receivedSignal = null;
let stopping = false;

function serverExited() {
  return new Promise((resolve) => {
    if (serverExit) return resolve(serverExit);
    server.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

async function stopServer() {
  if (!server || serverExit) return;
  stopping = true;
  server.kill('SIGTERM');
  const timer = setTimeout(() => {
    log(`server did not stop within ${STOP_TIMEOUT_MS / 1000} s, killing it`);
    try { server.kill('SIGKILL'); } catch { /* gone */ }
  }, STOP_TIMEOUT_MS);
  await serverExited();
  clearTimeout(timer);
}

function printServerOutput(reason) {
  log(reason);
  const text = serverOutput.trim();
  console.error(text ? `----- server output -----\n${text}\n-------------------------` : '(the server printed nothing)');
}

async function waitUntilReady(baseUrl) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (serverExit) return `the server exited during start-up (code ${serverExit.code ?? '–'}, signal ${serverExit.signal ?? '–'})`;
    try {
      const res = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return null;
      lastProblem = `/readyz answered ${res.status}`;
    } catch (err) {
      lastProblem = err.cause?.code ?? err.message;
    }
    await sleep(200);
  }
  return `the server was not ready after ${READY_TIMEOUT_MS / 1000} s (${lastProblem})`;
}

async function main() {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rathaus-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = Date.now();

  server = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      BASE_URL: baseUrl,
      DEMO: 'true',
      RATHAUS_TX_GUARD: '1',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '10000',
      DATABASE_URL: '', // always the embedded SQLite database in the temporary directory
      SMTP_URL: '', // demo outbox instead of real mail
      // the Fediverse test follows this server's town from a second instance on 127.0.0.1
      FEDIVERSE_ALLOW_PRIVATE_ADDRESS: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk) => {
    serverOutput += chunk;
    if (serverOutput.length > 200_000) serverOutput = serverOutput.slice(-100_000);
  };
  server.stdout.setEncoding('utf8').on('data', collect);
  server.stderr.setEncoding('utf8').on('data', collect);
  server.on('error', (err) => {
    serverOutput += `\nspawn error: ${err.message}`;
    serverExit ??= { code: null, signal: null };
  });
  server.on('exit', (code, signal) => {
    serverExit = { code, signal };
    if (tests && !stopping && !receivedSignal) printServerOutput(`the server died during the tests (code ${code ?? '–'}, signal ${signal ?? '–'})`);
  });

  const problem = await waitUntilReady(baseUrl);
  if (problem) {
    printServerOutput(problem);
    return 1;
  }
  if (receivedSignal) return 1;
  log(`server ready at ${baseUrl} after ${((Date.now() - started) / 1000).toFixed(1)} s; running ${files.length} file${files.length === 1 ? '' : 's'}: ${files.join(', ')}`);

  const args = ['--import', 'tsx', '--test', '--test-concurrency=1', ...extraArgs, ...files];
  if (!extraArgs.some((a) => a.startsWith('--test-reporter'))) args.splice(3, 0, '--test-reporter=spec');
  tests = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, E2E_BASE_URL: baseUrl }, stdio: 'inherit' });
  const code = await new Promise((resolve) => {
    tests.on('error', (err) => {
      log(`could not start the test runner: ${err.message}`);
      resolve(1);
    });
    tests.on('exit', (c, signal) => resolve(c ?? 128 + (os.constants.signals[signal] ?? 1)));
  });
  log(`tests finished in ${((Date.now() - started) / 1000).toFixed(1)} s (exit code ${code})`);
  if (serverExit && code === 0) return 1; // the server must survive the whole run
  return code;
}

async function cleanUp() {
  await stopServer();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}

for (const sig of SIGNALS) {
  process.on(sig, () => {
    if (receivedSignal) return;
    receivedSignal = sig;
    if (tests && tests.exitCode === null) tests.kill(sig);
    else if (!tests) cleanUp().finally(() => process.exit(128 + os.constants.signals[sig]));
  });
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (err) {
  console.error(err);
} finally {
  await cleanUp();
}
if (receivedSignal) exitCode = 128 + os.constants.signals[receivedSignal];
process.exit(exitCode);
