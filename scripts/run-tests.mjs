#!/usr/bin/env node
// Test runner behind `npm test` (SQLite) and `npm run test:pg` (throwaway PostgreSQL).
//
//   node scripts/run-tests.mjs [--pg] [--list] [FILE|DIR ...] [NODE_FLAGS ...] [-- NODE_ARGS ...]
//
// - Without FILE/DIR arguments, runs every *.test.ts / *.test.tsx under src/ and test/
//   (excluding test/e2e/ and node_modules/). DIR arguments are searched the same way.
// - Arguments starting with "-" (other than --pg/--list) and everything after "--" are
//   passed to node, e.g. `npm test -- --test-name-pattern=login`.
// - --pg starts PostgreSQL 15 (scripts/pg.mjs) and sets TEST_DB=pg, TEST_PG_URL,
//   DATABASE_URL_ADMIN for the tests; otherwise TEST_DB=sqlite.
// - --list prints the selected test files and exits.
// - TEST_CONCURRENCY overrides the number of test files run in parallel
//   (default: os.availableParallelism()).
// - Exits with the node test runner's exit code; refuses to run zero test files.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOTS = ['src', 'test'];
const TEST_FILE = /\.test\.tsx?$/;
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function die(msg) {
  console.error(`run-tests: ${msg}`);
  process.exit(1);
}

/** Excluded directories (path relative to ROOT, with forward slashes). */
function isExcludedDir(rel, name) {
  return name === 'node_modules' || name.startsWith('.') || rel === 'test/e2e';
}

function discover(absDir, out) {
  let entries;
  try {
    entries = fs.readdirSync(absDir, { withFileTypes: true });
  } catch (err) {
    if (err.code === 'ENOENT') return out;
    throw err;
  }
  for (const e of entries) {
    const abs = path.join(absDir, e.name);
    const rel = path.relative(ROOT, abs).split(path.sep).join('/');
    if (e.isDirectory()) {
      if (!isExcludedDir(rel, e.name)) discover(abs, out);
    } else if (TEST_FILE.test(e.name)) {
      // regular files, and symlinks pointing at files (symlinked dirs are not followed)
      if (e.isFile() || (e.isSymbolicLink() && fs.statSync(abs, { throwIfNoEntry: false })?.isFile())) {
        out.push(abs);
      }
    }
  }
  return out;
}

/** Shorter path for display and the command line: relative to ROOT when inside it. */
function display(abs) {
  const rel = path.relative(ROOT, abs);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
}

// ---------------------------------------------------------------------------
// arguments

const argv = process.argv.slice(2);
let usePg = false;
let listOnly = false;
const nodeArgs = [];
const targets = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--') {
    nodeArgs.push(...argv.slice(i + 1));
    break;
  }
  if (a === '--pg') usePg = true;
  else if (a === '--list') listOnly = true;
  else if (a.startsWith('-')) nodeArgs.push(a);
  else {
    const abs = path.resolve(a);
    if (fs.existsSync(abs)) targets.push(abs);
    else if (nodeArgs.length && /^--[^=]+$/.test(nodeArgs.at(-1)) && argv[i - 1] === nodeArgs.at(-1)) {
      nodeArgs.push(a); // value of a preceding "--flag value" node option
    } else die(`no such test file or directory: ${a}`);
  }
}

let files;
if (targets.length) {
  const set = new Set();
  for (const t of targets) {
    if (fs.statSync(t).isDirectory()) for (const f of discover(t, [])) set.add(f);
    else set.add(t);
  }
  files = [...set];
} else {
  files = ROOTS.flatMap((r) => discover(path.join(ROOT, r), []));
}
files = files.map(display).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

if (files.length === 0) {
  die(
    targets.length
      ? `no *.test.ts / *.test.tsx files found in: ${targets.map(display).join(', ')}`
      : `no *.test.ts / *.test.tsx files found under ${ROOTS.join('/, ')}/ (test/e2e/ excluded) — refusing to report success`,
  );
}

if (listOnly) {
  for (const f of files) console.log(f);
  process.exit(0);
}

let concurrency = os.availableParallelism();
if (process.env.TEST_CONCURRENCY !== undefined && process.env.TEST_CONCURRENCY !== '') {
  concurrency = Number(process.env.TEST_CONCURRENCY);
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    die(`TEST_CONCURRENCY must be a positive integer, got "${process.env.TEST_CONCURRENCY}"`);
  }
}

// ---------------------------------------------------------------------------
// run

const hasFlag = (name) => nodeArgs.some((a) => a === name || a.startsWith(`${name}=`));
const childArgs = ['--import', 'tsx', '--test'];
if (!hasFlag('--test-concurrency')) childArgs.push(`--test-concurrency=${concurrency}`);
if (!hasFlag('--test-reporter')) childArgs.push('--test-reporter=spec');
childArgs.push(...nodeArgs, ...files);

// RATHAUS_TX_GUARD: the transaction guard (src/platform/db/index.ts) is on in every test and in the
// servers the tests start.
const env = { ...process.env, TEST_DB: usePg ? 'pg' : 'sqlite', RATHAUS_TX_GUARD: '1' };

let pg = null;
let child = null;
let receivedSignal = null;
let killTimer = null;

// Installed before PG starts, so scripts/pg.mjs defers to us on signals (it only
// acts on its own when it is the sole listener) and we can stop things in order.
for (const sig of SIGNALS) {
  process.on(sig, () => {
    receivedSignal ??= sig;
    if (child && child.exitCode === null && child.signalCode === null) {
      try { child.kill(sig); } catch { /* gone */ }
      killTimer ??= setTimeout(() => {
        try { child.kill('SIGKILL'); } catch { /* gone */ }
      }, 15_000);
      killTimer.unref();
    } else if (!child) {
      // signal while PostgreSQL is starting: bail out; the exit handler in pg.mjs cleans up
      process.exit(128 + os.constants.signals[sig]);
    }
  });
}

async function main() {
  if (usePg) {
    const { startPostgres } = await import('./pg.mjs');
    try {
      pg = await startPostgres({ log: (...a) => console.error(...a) });
    } catch (err) {
      console.error(`run-tests: could not start PostgreSQL:\n${err.message}`);
      return 1;
    }
    env.TEST_PG_URL = pg.url;
    env.DATABASE_URL_ADMIN = pg.adminUrl;
  }

  try {
    console.log(
      `Running ${files.length} test file${files.length === 1 ? '' : 's'} on ${env.TEST_DB} with concurrency ${concurrency}`,
    );
    child = spawn(process.execPath, childArgs, { cwd: ROOT, env, stdio: 'inherit' });
    return await new Promise((resolve) => {
      child.on('error', (err) => {
        console.error(`run-tests: failed to start node: ${err.message}`);
        resolve(1);
      });
      child.on('exit', (code, signal) => {
        if (killTimer) clearTimeout(killTimer);
        if (code !== null) resolve(code);
        else resolve(128 + (os.constants.signals[signal] ?? 1));
      });
    });
  } finally {
    if (pg) await pg.stop();
  }
}

main().then(
  (code) => {
    if (receivedSignal) code = 128 + os.constants.signals[receivedSignal];
    process.exit(code);
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
