import { sql } from "kysely";
import type { Db, Executor } from "../../platform/db/index.js";

declare module "../../platform/db/schema.js" {
  interface Database {
    records_retention_log: RetentionLogRow;
    records_file_deletions: { storage_key: string; tenant_id: string; created_at: string };
  }
}

export interface RetentionLogRow {
  id: string;
  tenant_id: string;
  case_id: string;
  service_id: string;
  definition_version: number;
  department_id: string | null;
  reference: string;
  /** the final state the case was closed in, e.g. "abgeschlossen" or "abgelehnt" */
  outcome: string;
  retention_days: number;
  received_at: string;
  closed_at: string;
  deleted_at: string;
}

/** "all", or the departments the viewer may see (empty: none). */
export type DepartmentScope = "all" | string[];

export interface CaseCount {
  service_id: string;
  department_id: string | null;
  n: number;
}

export interface ClosedCase {
  service_id: string;
  department_id: string | null;
  created_at: string;
  closed_at: string;
}

export interface OpenCount {
  service_id: string;
  department_id: string | null;
  open: number;
  overdue: number;
}

/**
 * The records module's queries. Retention deletes rows of the applications and cases modules:
 * those queries are kept together in the `retention` section below, each taking the transaction,
 * so they can move into ApplicationStore/CaseStore unchanged (docs/retention.md).
 */
export class RecordsStore {
  constructor(private readonly db: Db) {}

  // ---- retention: finding expired cases ----

  /** The (service, definition version) pairs that have closed cases, across municipalities. */
  async closedCaseKinds(): Promise<{ service_id: string; definition_version: number }[]> {
    const rows = await this.db.kysely.selectFrom("cases").select(["service_id", "definition_version"]).where("closed_at", "is not", null).distinct().execute();
    return rows.map((r) => ({ service_id: r.service_id, definition_version: Number(r.definition_version) }));
  }

  /** Closed cases of one service version closed before `cutoff`, oldest first. */
  async closedBefore(serviceId: string, version: number, cutoff: string, limit: number): Promise<{ id: string; tenant_id: string }[]> {
    return this.db.kysely
      .selectFrom("cases")
      .select(["id", "tenant_id"])
      .where("service_id", "=", serviceId)
      .where("definition_version", "=", version)
      .where("closed_at", "is not", null)
      .where("closed_at", "<", cutoff)
      .orderBy("closed_at")
      .orderBy("id")
      .limit(limit)
      .execute();
  }

  // ---- retention: deleting one case (inside the caller's transaction) ----

  /** The case, locked until the transaction ends (PostgreSQL; SQLite's write transaction is the lock): two runs never delete it twice. */
  async caseForDeletion(trx: Executor, tenantId: string, caseId: string) {
    const q = trx.selectFrom("cases").select(["id", "tenant_id", "submission_id", "service_id", "definition_version", "department_id", "reference", "status", "created_at", "closed_at"]).where("tenant_id", "=", tenantId).where("id", "=", caseId);
    return (this.db.dialect === "postgres" ? q.forUpdate() : q).executeTakeFirst();
  }

  async submissionForDeletion(trx: Executor, tenantId: string, submissionId: string) {
    return trx.selectFrom("submissions").select(["id", "draft_id", "receipt_key"]).where("tenant_id", "=", tenantId).where("id", "=", submissionId).executeTakeFirst();
  }

  /** Storage keys of the case's own files (Bescheide, the citizen's answers). */
  async caseFileKeys(trx: Executor, tenantId: string, caseId: string): Promise<string[]> {
    const rows = await trx.selectFrom("case_files").select("storage_key").where("tenant_id", "=", tenantId).where("case_id", "=", caseId).execute();
    return rows.map((r) => r.storage_key);
  }

  /** Storage keys of the application's uploads (of the submission, and any left on its draft). */
  async applicationFileKeys(trx: Executor, tenantId: string, submissionId: string, draftId: string): Promise<string[]> {
    const rows = await trx
      .selectFrom("application_files")
      .select("storage_key")
      .where("tenant_id", "=", tenantId)
      .where((eb) => eb.or([eb("submission_id", "=", submissionId), eb("draft_id", "=", draftId)]))
      .execute();
    return rows.map((r) => r.storage_key);
  }

  async insertLog(trx: Executor, row: RetentionLogRow): Promise<void> {
    await trx.insertInto("records_retention_log").values(row).onConflict((oc) => oc.column("case_id").doNothing()).execute();
  }

  async queueFileDeletions(trx: Executor, tenantId: string, keys: string[], at: string): Promise<void> {
    if (keys.length === 0) return;
    await trx
      .insertInto("records_file_deletions")
      .values(keys.map((k) => ({ storage_key: k, tenant_id: tenantId, created_at: at })))
      .onConflict((oc) => oc.column("storage_key").doNothing())
      .execute();
  }

  async pendingFileDeletions(limit: number): Promise<{ storage_key: string }[]> {
    return this.db.kysely.selectFrom("records_file_deletions").select("storage_key").orderBy("created_at").orderBy("storage_key").limit(limit).execute();
  }

  async fileDeleted(key: string): Promise<void> {
    await this.db.kysely.deleteFrom("records_file_deletions").where("storage_key", "=", key).execute();
  }

  async retentionLog(tenantId: string): Promise<RetentionLogRow[]> {
    return this.db.kysely.selectFrom("records_retention_log").selectAll().where("tenant_id", "=", tenantId).orderBy("deleted_at").orderBy("id").execute();
  }

  // ---- figures: aggregates over cases (and the anonymous traces of deleted ones) ----

  /** Cases received in [from, to) per service and department. */
  async received(tenantId: string, scope: DepartmentScope, from: string, to: string): Promise<CaseCount[]> {
    if (isEmpty(scope)) return [];
    let live = this.db.kysely.selectFrom("cases").select((eb) => ["service_id", "department_id", eb.fn.countAll<number>().as("n")]).where("tenant_id", "=", tenantId).where("created_at", ">=", from).where("created_at", "<", to);
    let gone = this.db.kysely.selectFrom("records_retention_log").select((eb) => ["service_id", "department_id", eb.fn.countAll<number>().as("n")]).where("tenant_id", "=", tenantId).where("received_at", ">=", from).where("received_at", "<", to);
    if (scope !== "all") {
      live = live.where("department_id", "in", scope);
      gone = gone.where("department_id", "in", scope);
    }
    const rows = [...(await live.groupBy(["service_id", "department_id"]).execute()), ...(await gone.groupBy(["service_id", "department_id"]).execute())];
    return rows.map((r) => ({ service_id: r.service_id, department_id: r.department_id, n: Number(r.n) }));
  }

  /** Cases closed in [from, to), with their instants (the median is taken in the service). */
  async closed(tenantId: string, scope: DepartmentScope, from: string, to: string): Promise<ClosedCase[]> {
    if (isEmpty(scope)) return [];
    let live = this.db.kysely.selectFrom("cases").select(["service_id", "department_id", "created_at", "closed_at"]).where("tenant_id", "=", tenantId).where("closed_at", ">=", from).where("closed_at", "<", to);
    let gone = this.db.kysely.selectFrom("records_retention_log").select(["service_id", "department_id", "received_at as created_at", "closed_at"]).where("tenant_id", "=", tenantId).where("closed_at", ">=", from).where("closed_at", "<", to);
    if (scope !== "all") {
      live = live.where("department_id", "in", scope);
      gone = gone.where("department_id", "in", scope);
    }
    const rows = [...(await live.execute()), ...(await gone.execute())];
    return rows.map((r) => ({ service_id: r.service_id, department_id: r.department_id, created_at: r.created_at, closed_at: r.closed_at! }));
  }

  /** Open cases now, and how many of them are past their deadline, per service and department. */
  async open(tenantId: string, scope: DepartmentScope, now: string): Promise<OpenCount[]> {
    if (isEmpty(scope)) return [];
    let q = this.db.kysely
      .selectFrom("cases")
      .select((eb) => ["service_id", "department_id", eb.fn.countAll<number>().as("open"), sql<number>`sum(case when ${sql.ref("due_at")} < ${now} then 1 else 0 end)`.as("overdue")])
      .where("tenant_id", "=", tenantId)
      .where("closed_at", "is", null);
    if (scope !== "all") q = q.where("department_id", "in", scope);
    const rows = await q.groupBy(["service_id", "department_id"]).execute();
    return rows.map((r) => ({ service_id: r.service_id, department_id: r.department_id, open: Number(r.open), overdue: Number(r.overdue ?? 0) }));
  }
}

const isEmpty = (scope: DepartmentScope) => scope !== "all" && scope.length === 0;
