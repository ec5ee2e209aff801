import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, type Db } from "../platform/db/index.js";
import { randomBytes } from "node:crypto";

/**
 * A fresh, empty database for one test: a temp-dir SQLite file, or — when the suite runs
 * with TEST_DB=pg (npm run test:pg) — a new database in the throwaway PostgreSQL server.
 */
export interface TestDatabase {
  db: Db;
  dataDir: string;
  /** set on PostgreSQL: a URL other processes can use to reach the same database */
  databaseUrl: string | undefined;
  dispose(): Promise<void>;
}

export const testDialect = process.env.TEST_DB === "pg" ? "postgres" : "sqlite";

export async function createTestDatabase(): Promise<TestDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), "rathaus-test-"));
  let databaseUrl: string | undefined;
  if (testDialect === "postgres") {
    const adminUrl = process.env.TEST_PG_URL;
    if (!adminUrl) throw new Error("TEST_DB=pg needs TEST_PG_URL (use npm run test:pg)");
    const name = `t_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
  }
  const db = await openDatabase({ databaseUrl, dataDir, poolSize: 5 });
  return {
    db,
    dataDir,
    databaseUrl,
    async dispose() {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
