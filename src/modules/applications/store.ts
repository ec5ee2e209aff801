import type { Selectable } from "kysely";
import type { Db, Executor } from "../../platform/db/index.js";

declare module "../../platform/db/schema.js" {
  interface Database {
    application_drafts: DraftRow;
    submissions: SubmissionRow;
    application_files: FileRow;
    application_counters: { tenant_id: string; year: number; last: number };
  }
}

export interface DraftRow {
  id: string;
  tenant_id: string;
  service_id: string;
  definition_version: number;
  account_id: string | null;
  /** JSON of Answers */
  answers: string;
  /** JSON array of the step ids completed without errors */
  steps_done: string;
  /** JSON array of the field ids filled from the Servicekonto */
  prefilled: string;
  status: "open" | "submitted";
  submission_id: string | null;
  /** changing it revokes the draft's resume link */
  link_salt: string;
  created_at: string;
  updated_at: string;
  expires_at: string;
}

export interface SubmissionRow {
  id: string;
  tenant_id: string;
  draft_id: string;
  service_id: string;
  definition_version: number;
  reference: string;
  account_id: string | null;
  answers: string;
  contact_email: string | null;
  contact_name: string | null;
  status: string;
  link_salt: string;
  receipt_key: string | null;
  submitted_at: string;
}

export interface FileRow {
  id: string;
  tenant_id: string;
  draft_id: string;
  submission_id: string | null;
  /** the form input the file belongs to, e.g. "nachweis" or "kinder[1].geburtsurkunde" */
  input_name: string;
  file_name: string;
  content_type: string;
  size: number;
  sha256: string;
  storage_key: string;
  created_at: string;
}

/** The applications module's queries; every one takes the municipality first. */
export class ApplicationStore {
  constructor(private readonly db: Db) {}

  async insertDraft(row: DraftRow, trx: Executor = this.db.kysely): Promise<void> {
    await trx.insertInto("application_drafts").values(row).execute();
  }

  async draft(tenantId: string, id: string): Promise<Selectable<DraftRow> | undefined> {
    return this.db.kysely.selectFrom("application_drafts").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  /** Saves answers of an open draft; false when it is no longer open (submitted meanwhile). */
  async updateDraft(tenantId: string, id: string, patch: { answers: string; steps_done: string; updated_at: string; expires_at?: string }, trx: Executor = this.db.kysely): Promise<boolean> {
    const r = await trx.updateTable("application_drafts").set(patch).where("tenant_id", "=", tenantId).where("id", "=", id).where("status", "=", "open").executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setDraftAccount(tenantId: string, id: string, accountId: string): Promise<void> {
    await this.db.kysely.updateTable("application_drafts").set({ account_id: accountId }).where("tenant_id", "=", tenantId).where("id", "=", id).where("account_id", "is", null).execute();
  }

  async deleteDraft(tenantId: string, id: string, trx: Executor = this.db.kysely): Promise<void> {
    await trx.deleteFrom("application_files").where("tenant_id", "=", tenantId).where("draft_id", "=", id).where("submission_id", "is", null).execute();
    await trx.deleteFrom("application_drafts").where("tenant_id", "=", tenantId).where("id", "=", id).where("status", "=", "open").execute();
  }

  async draftsOfAccount(tenantId: string, accountId: string): Promise<Selectable<DraftRow>[]> {
    return this.db.kysely.selectFrom("application_drafts").selectAll().where("tenant_id", "=", tenantId).where("account_id", "=", accountId).where("status", "=", "open").orderBy("updated_at", "desc").execute();
  }

  /** Open drafts whose time is up, across municipalities (the purge job). */
  async expiredDrafts(now: string, limit: number): Promise<{ id: string; tenant_id: string }[]> {
    return this.db.kysely.selectFrom("application_drafts").select(["id", "tenant_id"]).where("status", "=", "open").where("expires_at", "<=", now).limit(limit).execute();
  }

  /** Claims the draft for a submission: exactly one caller gets true. */
  async markSubmitted(tenantId: string, draftId: string, submissionId: string, at: string, trx: Executor): Promise<boolean> {
    const r = await trx
      .updateTable("application_drafts")
      .set({ status: "submitted", submission_id: submissionId, updated_at: at })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", draftId)
      .where("status", "=", "open")
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** The next number of the municipality's counter for `year` (atomic on both databases). */
  async nextNumber(tenantId: string, year: number, trx: Executor): Promise<number> {
    const row = await trx
      .insertInto("application_counters")
      .values({ tenant_id: tenantId, year, last: 1 })
      .onConflict((oc) => oc.columns(["tenant_id", "year"]).doUpdateSet((eb) => ({ last: eb("application_counters.last", "+", 1) })))
      .returning("last")
      .executeTakeFirstOrThrow();
    return Number(row.last);
  }

  async insertSubmission(row: SubmissionRow, trx: Executor): Promise<void> {
    await trx.insertInto("submissions").values(row).execute();
  }

  async submission(tenantId: string, id: string): Promise<Selectable<SubmissionRow> | undefined> {
    return this.db.kysely.selectFrom("submissions").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async submissionsOfAccount(tenantId: string, accountId: string): Promise<Selectable<SubmissionRow>[]> {
    return this.db.kysely.selectFrom("submissions").selectAll().where("tenant_id", "=", tenantId).where("account_id", "=", accountId).orderBy("submitted_at", "desc").execute();
  }

  async setStatus(tenantId: string, id: string, status: string, trx: Executor = this.db.kysely): Promise<void> {
    await trx.updateTable("submissions").set({ status }).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  async submissionFile(tenantId: string, submissionId: string, fileId: string): Promise<Selectable<FileRow> | undefined> {
    return this.db.kysely.selectFrom("application_files").selectAll().where("tenant_id", "=", tenantId).where("submission_id", "=", submissionId).where("id", "=", fileId).executeTakeFirst();
  }

  async setReceipt(tenantId: string, id: string, key: string): Promise<void> {
    await this.db.kysely.updateTable("submissions").set({ receipt_key: key }).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  async insertFile(row: FileRow): Promise<void> {
    await this.db.kysely.insertInto("application_files").values(row).execute();
  }

  async draftFiles(tenantId: string, draftId: string): Promise<Selectable<FileRow>[]> {
    return this.db.kysely.selectFrom("application_files").selectAll().where("tenant_id", "=", tenantId).where("draft_id", "=", draftId).orderBy("created_at").orderBy("id").execute();
  }

  async submissionFiles(tenantId: string, submissionId: string): Promise<Selectable<FileRow>[]> {
    return this.db.kysely.selectFrom("application_files").selectAll().where("tenant_id", "=", tenantId).where("submission_id", "=", submissionId).orderBy("created_at").orderBy("id").execute();
  }

  async deleteFile(tenantId: string, draftId: string, fileId: string): Promise<Selectable<FileRow> | undefined> {
    const row = await this.db.kysely.selectFrom("application_files").selectAll().where("tenant_id", "=", tenantId).where("draft_id", "=", draftId).where("id", "=", fileId).where("submission_id", "is", null).executeTakeFirst();
    if (row) await this.db.kysely.deleteFrom("application_files").where("tenant_id", "=", tenantId).where("id", "=", fileId).execute();
    return row;
  }

  async renameFileInput(tenantId: string, fileId: string, inputName: string): Promise<void> {
    await this.db.kysely.updateTable("application_files").set({ input_name: inputName }).where("tenant_id", "=", tenantId).where("id", "=", fileId).where("submission_id", "is", null).execute();
  }

  async attachFiles(tenantId: string, draftId: string, submissionId: string, fileIds: string[], trx: Executor): Promise<void> {
    if (fileIds.length === 0) return;
    await trx.updateTable("application_files").set({ submission_id: submissionId }).where("tenant_id", "=", tenantId).where("draft_id", "=", draftId).where("id", "in", fileIds).execute();
  }

  /** Deletes a submission, its draft and their file rows (retention; the caller removes the stored files). */
  async deleteSubmission(trx: Executor, tenantId: string, submissionId: string, draftId: string): Promise<void> {
    await trx
      .deleteFrom("application_files")
      .where("tenant_id", "=", tenantId)
      .where((eb) => eb.or([eb("submission_id", "=", submissionId), eb("draft_id", "=", draftId)]))
      .execute();
    await trx.deleteFrom("submissions").where("tenant_id", "=", tenantId).where("id", "=", submissionId).execute();
    await trx.deleteFrom("application_drafts").where("tenant_id", "=", tenantId).where("id", "=", draftId).execute();
  }

  /** Deletes the open drafts of a citizen account with their file rows; returns the storage keys to remove after the commit. */
  async deleteDraftsOfAccount(trx: Executor, tenantId: string, accountId: string): Promise<string[]> {
    const drafts = trx.selectFrom("application_drafts").select("id").where("tenant_id", "=", tenantId).where("account_id", "=", accountId).where("status", "=", "open");
    const files = await trx.selectFrom("application_files").select("storage_key").where("tenant_id", "=", tenantId).where("submission_id", "is", null).where("draft_id", "in", drafts).execute();
    await trx.deleteFrom("application_files").where("tenant_id", "=", tenantId).where("submission_id", "is", null).where("draft_id", "in", drafts).execute();
    await trx.deleteFrom("application_drafts").where("tenant_id", "=", tenantId).where("account_id", "=", accountId).where("status", "=", "open").execute();
    return files.map((f) => f.storage_key);
  }
}
