import { mkdirSync } from "node:fs";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { AsyncLocalStorage } from "node:async_hooks";
import { Kysely, PostgresDialect, SqliteDialect, sql, type KyselyPlugin, type Transaction } from "kysely";
import type { Database } from "./schema.js";

export type DialectName = "sqlite" | "postgres";
export type Kdb = Kysely<Database>;
export type Executor = Kysely<Database> | Transaction<Database>;

export interface Db {
  readonly kysely: Kdb;
  readonly dialect: DialectName;
  /** A transaction that takes the write lock at once (SQLite BEGIN IMMEDIATE), so it never fails half-way on lock upgrade. */
  tx<T>(fn: (trx: Kdb) => Promise<T>): Promise<T>;
  /** A transaction serialised against every other holder of `name`, across processes. */
  locked<T>(name: string, fn: (trx: Kdb) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * SQLite only: a number that changes whenever another connection (another process) has
   * committed — PRAGMA data_version through one prepared statement, read once per event-loop turn.
   */
  externalChanges?: () => number;
}

// Normalise PostgreSQL values to what SQLite returns: instants as ISO strings, bigints as numbers.
pg.types.setTypeParser(1184, (v: string) => new Date(v).toISOString()); // timestamptz
pg.types.setTypeParser(1114, (v: string) => new Date(`${v}Z`).toISOString()); // timestamp
pg.types.setTypeParser(20, (v: string) => Number(v)); // int8 (count, bigserial)
pg.types.setTypeParser(1700, (v: string) => Number(v)); // numeric

export class DatabaseUnavailableError extends Error {}

/**
 * Inside db.tx()/db.locked() every query must go through the transaction handed to the callback.
 * A query on db.kysely there would, on SQLite, wait forever for the connection the transaction
 * holds (and on PostgreSQL run outside the transaction). This guard turns that mistake into an error.
 */
// AsyncLocalStorage switches on async hooks for every promise of the process (Node 20): worth it
// where mistakes are caught (the test runner sets RATHAUS_TX_GUARD=1, inherited by the servers
// tests start), too costly on the hot path of a production server (docs/benchmarks.md).
const GUARD_ON = process.env.RATHAUS_TX_GUARD === "1" || process.env.NODE_TEST_CONTEXT !== undefined;
const txScope = new AsyncLocalStorage<{ active: boolean }>();
const outsideTransactionGuard: KyselyPlugin = {
  transformQuery(args) {
    if (txScope.getStore()?.active) {
      throw new Error("db.kysely was used inside db.tx()/db.locked(): use the transaction passed to the callback");
    }
    return args.node;
  },
  async transformResult(args) {
    return args.result;
  },
};

async function inTransactionScope<T>(fn: () => Promise<T>): Promise<T> {
  if (!GUARD_ON) return fn();
  const scope = { active: true };
  try {
    return await txScope.run(scope, fn);
  } finally {
    // Work started inside the callback that outlives it (timers, kicks) may use db.kysely again.
    scope.active = false;
  }
}

export async function openDatabase(opts: { databaseUrl?: string | undefined; dataDir: string; poolSize?: number }): Promise<Db> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl, opts.poolSize ?? 10);
  return openSqlite(opts.dataDir);
}

/**
 * Kysely's SQLite driver prepares every query anew; preparing cost ~11 % of the server's CPU on
 * the application benchmark. Statements are cached by their SQL text (the parameters vary,
 * the text of a query-builder query does not). Statements are only run to completion
 * (all/run), never iterated, so one statement object per text is safe on one connection.
 */
function withStatementCache(native: SQLite.Database, max = 1000): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = (source: string) => {
    let stmt = cache.get(source);
    if (!stmt) {
      stmt = native.prepare(source);
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(source, stmt);
    }
    return stmt;
  };
  return new Proxy(native, {
    get: (target, prop) => {
      if (prop === "prepare") return prepare;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function openSqlite(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, "rathaus.db");
  const native = new SQLite(file);
  native.pragma("journal_mode = WAL");
  native.pragma("busy_timeout = 10000");
  native.pragma("foreign_keys = ON");
  native.pragma("synchronous = NORMAL");
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(native) }), plugins: [outsideTransactionGuard] });
  const dataVersion = native.prepare("pragma data_version").pluck();
  // Reading data_version takes a read lock (~2 µs): read it once per event-loop turn. Requests
  // handled in the same turn arrived together; the next turn sees another process's commit.
  let dataVersionThisTurn: number | undefined;
  const externalChanges = () => {
    if (dataVersionThisTurn === undefined) {
      dataVersionThisTurn = dataVersion.get() as number;
      setImmediate(() => (dataVersionThisTurn = undefined));
    }
    return dataVersionThisTurn;
  };
  const tx = <T>(fn: (trx: Kdb) => Promise<T>) =>
    kysely.connection().execute(async (guarded) => {
      const conn = guarded.withoutPlugins();
      await sql`begin immediate`.execute(conn);
      try {
        const result = await inTransactionScope(() => fn(conn as Kdb));
        await sql`commit`.execute(conn);
        return result;
      } catch (err) {
        await sql`rollback`.execute(conn).catch(() => undefined);
        throw err;
      }
    });
  return {
    kysely,
    dialect: "sqlite",
    tx,
    // SQLite has one writer at a time: BEGIN IMMEDIATE already serialises across processes.
    locked: (_name, fn) => tx(fn),
    async ping() {
      native.prepare("select 1").get();
    },
    externalChanges,
    async close() {
      await kysely.destroy();
    },
  };
}

async function openPostgres(url: string, max: number): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 5000 });
  // An idle client that loses its connection must not crash the process; /readyz reports it.
  pool.on("error", () => undefined);
  try {
    const c = await pool.connect();
    c.release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new DatabaseUnavailableError(`PostgreSQL is not reachable at ${redactUrl(url)}: ${(err as Error).message}`);
  }
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [outsideTransactionGuard] });
  return {
    kysely,
    dialect: "postgres",
    tx: (fn) => kysely.transaction().execute((trx) => inTransactionScope(() => fn(trx.withoutPlugins() as unknown as Kdb))),
    locked: (name, fn) =>
      kysely.transaction().execute(async (guarded) => {
        const trx = guarded.withoutPlugins();
        await sql`select pg_advisory_xact_lock(hashtext(${name}))`.execute(trx);
        return inTransactionScope(() => fn(trx as unknown as Kdb));
      }),
    async ping() {
      await sql`select 1`.execute(kysely);
    },
    async close() {
      await kysely.destroy();
    },
  };
}

/** Never log a password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(invalid url)";
  }
}

/** Column types that mean the same on both databases (see migrations). */
export function columnTypes(dialect: DialectName) {
  return {
    /** an instant: timestamptz on PostgreSQL, ISO-8601 text with Z on SQLite */
    instant: dialect === "postgres" ? ("timestamptz" as const) : ("text" as const),
    /** JSON kept as text on both, parsed by the store */
    json: "text" as const,
    /** flags are 0/1 integers on both, so rows look the same */
    flag: "integer" as const,
    /** an auto-incrementing primary key */
    serial: dialect === "postgres" ? ("bigserial" as const) : ("integer" as const),
    bigint: dialect === "postgres" ? ("bigint" as const) : ("integer" as const),
  };
}
