import type { Selectable } from "kysely";
import type { Db, Executor } from "../../platform/db/index.js";

declare module "../../platform/db/schema.js" {
  interface Database {
    cases: CaseRow;
    case_events: CaseEventRow;
    case_messages: CaseMessageRow;
    case_files: CaseFileRow;
    case_notes: CaseNoteRow;
  }
}

export interface CaseRow {
  id: string;
  tenant_id: string;
  submission_id: string;
  service_id: string;
  definition_version: number;
  reference: string;
  department_id: string | null;
  account_id: string | null;
  /** the applicant's name as given in the application (list display) */
  applicant: string | null;
  status: string;
  assignee_id: string | null;
  /** optimistic locking: every change increments it; a change based on an older version is refused */
  version: number;
  state_since: string;
  due_at: string | null;
  /** lower-case reference, applicant and service title, for the inbox search */
  search_text: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface CaseEventRow {
  id: string;
  tenant_id: string;
  case_id: string;
  at: string;
  actor_type: "staff" | "citizen" | "system";
  actor_id: string | null;
  actor_name: string | null;
  kind: "created" | "status" | "assigned" | "message" | "answer" | "bescheid";
  from_status: string | null;
  to_status: string | null;
  text: string | null;
  public: number;
}

export interface CaseMessageRow {
  id: string;
  tenant_id: string;
  case_id: string;
  direction: "to-citizen" | "from-citizen";
  text: string;
  staff_id: string | null;
  created_at: string;
  read_at: string | null;
}

export interface CaseFileRow {
  id: string;
  tenant_id: string;
  case_id: string;
  message_id: string | null;
  kind: "answer" | "bescheid";
  title: string;
  file_name: string;
  content_type: string;
  size: number;
  storage_key: string;
  created_at: string;
  first_read_at: string | null;
}

export interface CaseNoteRow {
  id: string;
  tenant_id: string;
  case_id: string;
  staff_id: string;
  text: string;
  created_at: string;
}

export interface InboxFilter {
  /** "all", or the departments the viewer may see */
  departments: "all" | string[];
  status?: string | undefined;
  serviceId?: string | undefined;
  /** a staff account id, or "none" for unassigned */
  assignee?: string | undefined;
  /** only cases past their deadline (as of `now`) */
  overdue?: boolean | undefined;
  /** only cases created before this instant */
  createdBefore?: string | undefined;
  /** only open (not closed) cases */
  openOnly?: boolean | undefined;
  q?: string | undefined;
  now: string;
  /** "received": newest first (default); "due": nearest deadline first (cases with a deadline) */
  order?: "received" | "due";
}

/** Where a page ends: the sort key (created_at, or due_at when sorted by deadline) and the id. */
export interface Cursor {
  createdAt: string;
  id: string;
}

export class CaseStore {
  constructor(private readonly db: Db) {}

  async insertCase(row: CaseRow, trx: Executor): Promise<boolean> {
    const r = await trx.insertInto("cases").values(row).onConflict((oc) => oc.column("submission_id").doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async case(tenantId: string, id: string, trx: Executor = this.db.kysely): Promise<Selectable<CaseRow> | undefined> {
    return trx.selectFrom("cases").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async caseOfSubmission(tenantId: string, submissionId: string): Promise<Selectable<CaseRow> | undefined> {
    return this.db.kysely.selectFrom("cases").selectAll().where("tenant_id", "=", tenantId).where("submission_id", "=", submissionId).executeTakeFirst();
  }

  async casesOfAccount(tenantId: string, accountId: string): Promise<Selectable<CaseRow>[]> {
    return this.db.kysely.selectFrom("cases").selectAll().where("tenant_id", "=", tenantId).where("account_id", "=", accountId).orderBy("created_at", "desc").execute();
  }

  /** Changes a case if it still has `version`; false when someone else changed it meanwhile. */
  async updateCase(tenantId: string, id: string, version: number, patch: Partial<Omit<CaseRow, "id" | "tenant_id" | "version">>, trx: Executor): Promise<boolean> {
    const r = await trx
      .updateTable("cases")
      .set({ ...patch, version: version + 1 })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", id)
      .where("version", "=", version)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** One inbox page, newest first, after `cursor` (keyset pagination); one row more than `limit` tells that there is a next page. */
  async inbox(tenantId: string, f: InboxFilter, cursor: Cursor | undefined, limit: number): Promise<Selectable<CaseRow>[]> {
    let q = this.db.kysely.selectFrom("cases").selectAll().where("tenant_id", "=", tenantId);
    if (f.departments !== "all") {
      if (f.departments.length === 0) return [];
      q = q.where("department_id", "in", f.departments);
    }
    if (f.status) q = q.where("status", "=", f.status);
    if (f.serviceId) q = q.where("service_id", "=", f.serviceId);
    if (f.assignee === "none") q = q.where("assignee_id", "is", null);
    else if (f.assignee) q = q.where("assignee_id", "=", f.assignee);
    if (f.overdue) q = q.where("due_at", "<", f.now).where("closed_at", "is", null);
    if (f.openOnly) q = q.where("closed_at", "is", null);
    if (f.createdBefore) q = q.where("created_at", "<", f.createdBefore);
    if (f.q) q = q.where("search_text", "like", `%${f.q.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`);
    // A row-value comparison: both databases turn it into one index range, so a deep page starts at the cursor instead of scanning up to it.
    if (f.order === "due") {
      q = q.where("due_at", "is not", null);
      if (cursor) q = q.where((eb) => eb(eb.refTuple("due_at", "id"), ">", eb.tuple(cursor.createdAt, cursor.id)));
      return q.orderBy("due_at", "asc").orderBy("id", "asc").limit(limit + 1).execute();
    }
    if (cursor) q = q.where((eb) => eb(eb.refTuple("created_at", "id"), "<", eb.tuple(cursor.createdAt, cursor.id)));
    return q.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit + 1).execute();
  }

  async insertEvent(row: CaseEventRow, trx: Executor = this.db.kysely): Promise<void> {
    await trx.insertInto("case_events").values(row).execute();
  }

  async events(tenantId: string, caseId: string, publicOnly = false): Promise<Selectable<CaseEventRow>[]> {
    let q = this.db.kysely.selectFrom("case_events").selectAll().where("tenant_id", "=", tenantId).where("case_id", "=", caseId);
    if (publicOnly) q = q.where("public", "=", 1);
    return q.orderBy("at").orderBy("id").execute();
  }

  async insertMessage(row: CaseMessageRow, trx: Executor): Promise<void> {
    await trx.insertInto("case_messages").values(row).execute();
  }

  async messages(tenantId: string, caseId: string): Promise<Selectable<CaseMessageRow>[]> {
    return this.db.kysely.selectFrom("case_messages").selectAll().where("tenant_id", "=", tenantId).where("case_id", "=", caseId).orderBy("created_at").orderBy("id").execute();
  }

  async markMessagesRead(tenantId: string, caseId: string, direction: CaseMessageRow["direction"], at: string): Promise<void> {
    await this.db.kysely.updateTable("case_messages").set({ read_at: at }).where("tenant_id", "=", tenantId).where("case_id", "=", caseId).where("direction", "=", direction).where("read_at", "is", null).execute();
  }

  async insertFile(row: CaseFileRow, trx: Executor = this.db.kysely): Promise<void> {
    await trx.insertInto("case_files").values(row).execute();
  }

  async files(tenantId: string, caseId: string): Promise<Selectable<CaseFileRow>[]> {
    return this.db.kysely.selectFrom("case_files").selectAll().where("tenant_id", "=", tenantId).where("case_id", "=", caseId).orderBy("created_at").orderBy("id").execute();
  }

  async file(tenantId: string, caseId: string, fileId: string): Promise<Selectable<CaseFileRow> | undefined> {
    return this.db.kysely.selectFrom("case_files").selectAll().where("tenant_id", "=", tenantId).where("case_id", "=", caseId).where("id", "=", fileId).executeTakeFirst();
  }

  async markFileRead(tenantId: string, fileId: string, at: string): Promise<void> {
    await this.db.kysely.updateTable("case_files").set({ first_read_at: at }).where("tenant_id", "=", tenantId).where("id", "=", fileId).where("first_read_at", "is", null).execute();
  }

  async insertNote(row: CaseNoteRow): Promise<void> {
    await this.db.kysely.insertInto("case_notes").values(row).execute();
  }

  async notes(tenantId: string, caseId: string): Promise<Selectable<CaseNoteRow>[]> {
    return this.db.kysely.selectFrom("case_notes").selectAll().where("tenant_id", "=", tenantId).where("case_id", "=", caseId).orderBy("created_at").orderBy("id").execute();
  }

  /** Deletes a case with its history, messages, notes and file rows (retention; the caller removes the stored files). */
  async deleteCase(trx: Executor, tenantId: string, caseId: string): Promise<void> {
    await trx.deleteFrom("case_files").where("tenant_id", "=", tenantId).where("case_id", "=", caseId).execute();
    await trx.deleteFrom("case_messages").where("tenant_id", "=", tenantId).where("case_id", "=", caseId).execute();
    await trx.deleteFrom("case_notes").where("tenant_id", "=", tenantId).where("case_id", "=", caseId).execute();
    await trx.deleteFrom("case_events").where("tenant_id", "=", tenantId).where("case_id", "=", caseId).execute();
    await trx.deleteFrom("cases").where("tenant_id", "=", tenantId).where("id", "=", caseId).execute();
  }
}
