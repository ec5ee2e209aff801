import { mkdir, open, readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { sql, type Generated, type Selectable } from "kysely";
import type { Clock } from "../clock.js";
import type { Db, Executor } from "../db/index.js";
import type { Migration } from "../db/migrate.js";
import { newId, sha256 } from "../ids.js";
import type { Log } from "../jobs/queue.js";
import type { JobDefinition } from "../jobs/types.js";

/**
 * The platform audit log: one append-only, hash-chained table for everyone (logins, role
 * changes, case views and changes, publications).
 *
 * Entries hold ids and field NAMES, never personal values, so retention and deletion of the
 * audited data never touch (and never break) the chain. Each entry's hash covers the previous
 * entry's hash, so changing or removing an entry in the middle is visible to `verify()`. Removing
 * the newest entries (or rewriting the whole chain) is caught by the head file: a job appends the
 * newest {seq, hash} to a file outside the database at an interval; keep that file where a
 * database administrator cannot rewrite it (another volume, a WORM/append-only mount, a log
 * shipper).
 *
 * The class offers no update or delete on purpose.
 */

export type ActorType = "staff" | "citizen" | "system" | "anonymous";
const ACTOR_TYPES: readonly ActorType[] = ["staff", "citizen", "system", "anonymous"];

export interface AuditLogTable {
  seq: Generated<number>;
  id: string;
  at: string;
  tenant_id: string | null;
  actor_type: ActorType;
  actor_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  /** JSON array of field names */
  fields: string;
  reason: string | null;
  prev_hash: string;
  hash: string;
}

declare module "../db/schema.js" {
  interface Database {
    audit_log: AuditLogTable;
  }
}

export const auditMigrations: Migration[] = [
  {
    name: "audit.001_create",
    async up(db, { dialect, types }) {
      await db.schema
        .createTable("audit_log")
        // SQLite: integer primary key autoincrement (never reuses a seq); PostgreSQL: bigserial
        .addColumn("seq", types.serial, (c) => (dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey()))
        .addColumn("id", "text", (c) => c.notNull().unique())
        .addColumn("at", types.instant, (c) => c.notNull())
        .addColumn("tenant_id", "text")
        .addColumn("actor_type", "text", (c) => c.notNull())
        .addColumn("actor_id", "text")
        .addColumn("action", "text", (c) => c.notNull())
        .addColumn("object_type", "text")
        .addColumn("object_id", "text")
        .addColumn("fields", types.json, (c) => c.notNull())
        .addColumn("reason", "text")
        .addColumn("prev_hash", "text", (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("audit_log_tenant_idx").on("audit_log").columns(["tenant_id", "seq"]).execute();
      await db.schema.createIndex("audit_log_object_idx").on("audit_log").columns(["object_type", "object_id"]).execute();
    },
  },
];

export interface AuditEntryInput {
  tenantId?: string | null;
  actor: { type: ActorType; id?: string | null };
  /** what happened, "<area>.<object>.<verb>", e.g. "tenant.settings.update" */
  action: string;
  object?: { type: string; id?: string | null };
  /** names of the fields that were viewed or changed — never their values */
  fields?: string[];
  /** free text given by staff, e.g. why a case was opened; keep personal data out of it */
  reason?: string;
}

export interface AuditEntry {
  seq: number;
  id: string;
  at: string;
  tenantId: string | null;
  actor: { type: ActorType; id: string | null };
  action: string;
  object: { type: string; id: string | null } | null;
  fields: string[];
  reason: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  /** entries checked */
  count: number;
  problems: string[];
  /** whether a head file existed and its newest line was checked against the database */
  headChecked: boolean;
}

export const GENESIS_HASH = "0".repeat(64);
const PAGE = 1000;
const ACTION_RE = /^[a-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;
/** field names: identifiers, optionally dotted/indexed ("address.street", "items[2].amount") */
const FIELD_RE = /^[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?(\.[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?)*$/;
const TYPE_RE = /^[A-Za-z][A-Za-z0-9_.-]*$/;

type Row = Selectable<AuditLogTable>;

/** The hashed content of an entry: a fixed-order JSON array, identical on both databases. */
export function entryHash(r: {
  prev_hash: string;
  id: string;
  at: string;
  tenant_id: string | null;
  actor_type: string;
  actor_id: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  fields: string[];
  reason: string | null;
}): string {
  return sha256(
    JSON.stringify([r.prev_hash, r.id, r.at, r.tenant_id, r.actor_type, r.actor_id, r.action, r.object_type, r.object_id, r.fields, r.reason]),
  );
}

function parseFields(text: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) && v.every((x) => typeof x === "string") ? v : undefined;
  } catch {
    return undefined;
  }
}

function toEntry(r: Row): AuditEntry {
  return {
    seq: Number(r.seq),
    id: r.id,
    at: r.at,
    tenantId: r.tenant_id,
    actor: { type: r.actor_type, id: r.actor_id },
    action: r.action,
    object: r.object_type === null ? null : { type: r.object_type, id: r.object_id },
    fields: parseFields(r.fields) ?? [],
    reason: r.reason,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export class AuditLog {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly headFile: string;
  private readonly log: Log;
  /** the last head line this process wrote (or found in the file), to skip unchanged heads */
  private lastHead: { seq: number; hash: string } | undefined;
  private headLoaded = false;

  constructor(opts: { db: Db; clock: Clock; headFile: string; log: Log }) {
    this.db = opts.db;
    this.clock = opts.clock;
    this.headFile = opts.headFile;
    this.log = opts.log;
  }

  /**
   * Appends an entry. Without `trx` it runs in its own transaction under the "audit_log" lock.
   * With `trx` (the caller's transaction, so the entry commits or rolls back with the change it
   * records) it takes the same lock inside that transaction: on PostgreSQL a transaction-scoped
   * advisory lock (held until the caller commits — keep such transactions short, and use the
   * default READ COMMITTED isolation); on SQLite the caller's write transaction is already the
   * single writer (use `db.tx`, which begins IMMEDIATE).
   */
  async record(entry: AuditEntryInput, trx?: Executor): Promise<void> {
    const input = this.validate(entry);
    if (!trx) {
      await this.db.locked("audit_log", (t) => this.append(t, input));
      return;
    }
    if (this.db.dialect === "postgres") {
      // outside a transaction the advisory lock would end with its own statement
      if (!trx.isTransaction) throw new Error("audit record(entry, trx) needs trx to be a transaction");
      const iso = await sql<{ level: string }>`select current_setting('transaction_isolation') as level`.execute(trx);
      if (iso.rows[0]?.level !== "read committed") {
        // a snapshot taken before the lock would not see the newest entry and fork the chain
        throw new Error(`audit record() needs a READ COMMITTED transaction, got ${iso.rows[0]?.level}`);
      }
      await sql`select pg_advisory_xact_lock(hashtext(${"audit_log"}))`.execute(trx);
    }
    await this.append(trx, input);
  }

  private validate(e: AuditEntryInput) {
    if (!ACTOR_TYPES.includes(e.actor?.type)) throw new Error(`invalid audit actor type "${String(e.actor?.type)}"`);
    if (typeof e.action !== "string" || e.action.length > 100 || !ACTION_RE.test(e.action)) {
      throw new Error(`invalid audit action "${String(e.action)}"`);
    }
    if (e.object && (e.object.type.length > 100 || !TYPE_RE.test(e.object.type))) {
      throw new Error(`invalid audit object type "${e.object.type}"`);
    }
    const fields = e.fields ?? [];
    for (const f of fields) {
      // a guard against values slipping in where names belong (e-mail addresses, names with spaces …)
      if (typeof f !== "string" || f.length > 100 || !FIELD_RE.test(f)) throw new Error("audit fields must be field names, not values");
    }
    return {
      tenant_id: e.tenantId ?? null,
      actor_type: e.actor.type,
      actor_id: e.actor.id ?? null,
      action: e.action,
      object_type: e.object?.type ?? null,
      object_id: e.object ? (e.object.id ?? null) : null,
      fields,
      reason: e.reason === undefined || e.reason === "" ? null : e.reason.slice(0, 2000),
    };
  }

  private async append(trx: Executor, input: ReturnType<AuditLog["validate"]>): Promise<void> {
    const last = await trx.selectFrom("audit_log").select("hash").orderBy("seq", "desc").limit(1).executeTakeFirst();
    const prev_hash = last?.hash ?? GENESIS_HASH;
    const id = newId(this.clock);
    const at = this.clock.now().toISOString();
    const hash = entryHash({ prev_hash, id, at, ...input });
    await trx
      .insertInto("audit_log")
      .values({ id, at, ...input, fields: JSON.stringify(input.fields), prev_hash, hash })
      .execute();
  }

  /** Recomputes the whole chain in seq order, then checks the newest line of the head file. */
  async verify(): Promise<AuditVerifyResult> {
    const problems: string[] = [];
    let count = 0;
    let prevHash = GENESIS_HASH;
    let prevSeq: number | undefined;
    let afterSeq: number | undefined;
    for (;;) {
      let q = this.db.kysely.selectFrom("audit_log").selectAll().orderBy("seq").limit(PAGE);
      if (afterSeq !== undefined) q = q.where("seq", ">", afterSeq);
      const rows = await q.execute();
      for (const r of rows) {
        const seq = Number(r.seq);
        count++;
        if (r.prev_hash !== prevHash) {
          problems.push(
            prevSeq === undefined
              ? `seq ${seq}: the first entry does not start the chain (prev_hash is not the genesis hash): earlier entries were deleted or the row was changed`
              : `seq ${seq}: prev_hash does not match the hash of seq ${prevSeq}: entries in between were deleted or a row was changed`,
          );
        }
        const fields = parseFields(r.fields);
        const expected = fields ? entryHash({ ...r, fields }) : undefined;
        if (expected !== r.hash) problems.push(`seq ${seq}: the row's content does not match its hash: the row was changed`);
        prevHash = r.hash;
        prevSeq = seq;
      }
      if (rows.length < PAGE) break;
      afterSeq = Number(rows[rows.length - 1]!.seq);
    }

    let headChecked = false;
    const head = await this.readLastHeadLine();
    if (head === "unreadable") {
      problems.push(`head file ${this.headFile}: the newest line is not valid JSON {seq, hash, at}`);
      headChecked = true;
    } else if (head) {
      headChecked = true;
      const row = await this.db.kysely.selectFrom("audit_log").select(["seq", "hash"]).where("seq", "=", head.seq).executeTakeFirst();
      if (!row) {
        const end = prevSeq === undefined ? "the database has no entries" : `the database ends at seq ${prevSeq}`;
        problems.push(
          prevSeq === undefined || prevSeq < head.seq
            ? `head file records seq ${head.seq} with hash ${head.hash} (at ${head.at}), but ${end}: the newest entries were deleted`
            : `head file records seq ${head.seq} with hash ${head.hash} (at ${head.at}), but that entry is missing: it was deleted`,
        );
      } else if (row.hash !== head.hash) {
        problems.push(
          `head file records seq ${head.seq} with hash ${head.hash} (at ${head.at}), but the database has hash ${row.hash}: entries up to seq ${head.seq} were changed or the chain was rewritten`,
        );
      }
    }
    return { ok: problems.length === 0, count, problems, headChecked };
  }

  /** Appends {seq, hash, at} of the newest entry to the head file when it changed since the last line. */
  async writeHead(): Promise<void> {
    const newest = await this.db.kysely
      .selectFrom("audit_log")
      .select(["seq", "hash", "at"])
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
    if (!newest) return;
    const seq = Number(newest.seq);
    if (!this.headLoaded) {
      const last = await this.readLastHeadLine();
      if (last && last !== "unreadable") this.lastHead = { seq: last.seq, hash: last.hash };
      this.headLoaded = true;
    }
    if (this.lastHead && this.lastHead.seq === seq && this.lastHead.hash === newest.hash) return;
    await mkdir(dirname(this.headFile), { recursive: true });
    const fh = await open(this.headFile, "a");
    try {
      await fh.write(`${JSON.stringify({ seq, hash: newest.hash, at: newest.at })}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    this.lastHead = { seq, hash: newest.hash };
    this.log.info({ seq }, "audit head written");
  }

  /** The newest line of the head file; undefined when there is no file (or no line). */
  private async readLastHeadLine(): Promise<{ seq: number; hash: string; at: string } | "unreadable" | undefined> {
    let size: number;
    try {
      size = (await stat(this.headFile)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    if (size === 0) return undefined;
    // read only the tail: the file grows by one line per interval
    const tailBytes = Math.min(size, 4096);
    let text: string;
    if (tailBytes === size) {
      text = await readFile(this.headFile, "utf8");
    } else {
      const fh = await open(this.headFile, "r");
      try {
        const buf = Buffer.alloc(tailBytes);
        await fh.read(buf, 0, tailBytes, size - tailBytes);
        text = buf.toString("utf8");
      } finally {
        await fh.close();
      }
    }
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    const lastLine = lines[lines.length - 1];
    if (!lastLine) return undefined;
    try {
      const v = JSON.parse(lastLine) as { seq?: unknown; hash?: unknown; at?: unknown };
      if (typeof v.seq !== "number" || typeof v.hash !== "string") return "unreadable";
      return { seq: v.seq, hash: v.hash, at: typeof v.at === "string" ? v.at : "" };
    } catch {
      return "unreadable";
    }
  }

  /** Entries, newest first; `tenantId: null` lists platform-level entries, undefined lists all. */
  async list(opts: { tenantId?: string | null; limit?: number; beforeSeq?: number } = {}): Promise<AuditEntry[]> {
    let q = this.db.kysely.selectFrom("audit_log").selectAll();
    if (opts.tenantId === null) q = q.where("tenant_id", "is", null);
    else if (opts.tenantId !== undefined) q = q.where("tenant_id", "=", opts.tenantId);
    if (opts.beforeSeq !== undefined) q = q.where("seq", "<", opts.beforeSeq);
    const rows = await q.orderBy("seq", "desc").limit(opts.limit ?? 100).execute();
    return rows.map(toEntry);
  }
}

/** The recurring job that anchors the chain's head outside the database. */
export function auditJobs(audit: AuditLog, intervalMs: number): JobDefinition[] {
  return [
    {
      type: "audit.writeHead",
      schedule: { everyMs: intervalMs },
      maxAttempts: 3,
      handler: () => audit.writeHead(),
    },
  ];
}
