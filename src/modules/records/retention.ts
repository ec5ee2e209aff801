import type { AppContext } from "../../platform/context.js";
import type { Executor } from "../../platform/db/index.js";
import { newId } from "../../platform/ids.js";
import { serviceCatalogue } from "../services/index.js";
import { applications } from "../applications/index.js";
import { caseService } from "../cases/index.js";
import type { RecordsStore } from "./store.js";

export const RETENTION_JOB = "records.retention";
/** Days a closed case is kept when its service definition names no `retentionDays`. */
export const DEFAULT_RETENTION_DAYS = 365;
const DAY_MS = 86_400_000;
const BATCH = 100;

/** What a module that keeps its own data about a case is told when the case is deleted. */
export interface DeletedCase {
  tenantId: string;
  caseId: string;
  submissionId: string;
  reference: string;
}
/**
 * Called inside the deleting transaction (use only `trx`): a module deletes what it keeps about
 * the case there, so the case and its data go together or not at all.
 */
export type RetentionHandler = (trx: Executor, deleted: DeletedCase) => Promise<void>;

const handlers = new WeakMap<AppContext, RetentionHandler[]>();
/** Modules register here (from their init) to delete their own data of a case at the end of its retention. */
export function onCaseRetention(ctx: AppContext, handler: RetentionHandler): void {
  handlers.set(ctx, [...(handlers.get(ctx) ?? []), handler]);
}

export interface RetentionResult {
  /** cases deleted in this run */
  cases: number;
  /** files removed from storage in this run */
  files: number;
}

/**
 * Deletes closed cases whose retention has ended, with everything personal that hangs on them:
 * the case's files, messages, notes and history, the submission with its answers and uploads,
 * the receipt and the draft. What stays is an anonymous trace (records_retention_log) and an
 * audit entry. Open cases are never touched. Each case goes in its own short transaction; files
 * are removed from storage after the commit through a queue table, so a crash at any point
 * leaves neither a dangling row nor a forgotten file, and a second run finishes the first.
 */
export class Retention {
  constructor(
    private readonly ctx: AppContext,
    private readonly store: RecordsStore,
  ) {}

  /** The retention of cases made with this definition version; undefined when the version is unknown (then nothing is deleted). */
  async retentionDays(serviceId: string, version: number): Promise<number | undefined> {
    const def = await serviceCatalogue(this.ctx).definitionVersion(serviceId, version);
    if (!def) return undefined;
    return def.retentionDays ?? DEFAULT_RETENTION_DAYS;
  }

  async run(): Promise<RetentionResult> {
    const result: RetentionResult = { cases: 0, files: 0 };
    let failedFiles = await this.drainFiles(result);
    const now = this.ctx.clock.now();
    for (const kind of await this.store.closedCaseKinds()) {
      const days = await this.retentionDays(kind.service_id, kind.definition_version);
      if (days === undefined) {
        this.ctx.log.warn({ serviceId: kind.service_id, version: kind.definition_version }, "retention: definition version unknown, its cases are kept");
        continue;
      }
      const cutoff = new Date(now.getTime() - days * DAY_MS);
      for (;;) {
        const batch = await this.store.closedBefore(kind.service_id, kind.definition_version, cutoff.toISOString(), BATCH);
        let deleted = 0;
        for (const c of batch) if (await this.deleteCase(c.tenant_id, c.id, cutoff, days)) deleted++;
        result.cases += deleted;
        failedFiles += await this.drainFiles(result);
        // A short batch was the last; a batch where nothing could be deleted would come back unchanged.
        if (batch.length < BATCH || deleted === 0) break;
      }
    }
    // Files that storage refused stay queued; failing the job retries it with back-off.
    if (failedFiles > 0) throw new Error(`retention: ${failedFiles} files could not be removed from storage; they stay queued`);
    return result;
  }

  /** Deletes one case if it is still closed before `cutoff`; false when it is gone or no longer expired (reopened). */
  private async deleteCase(tenantId: string, caseId: string, cutoff: Date, days: number): Promise<boolean> {
    const at = this.ctx.clock.now().toISOString();
    return this.ctx.db.tx(async (trx) => {
      const c = await this.store.caseForDeletion(trx, tenantId, caseId);
      if (!c || !c.closed_at || new Date(c.closed_at).getTime() >= cutoff.getTime()) return false;
      const s = await this.store.submissionForDeletion(trx, tenantId, c.submission_id);
      const keys = [
        ...(await this.store.caseFileKeys(trx, tenantId, c.id)),
        ...(s ? await this.store.applicationFileKeys(trx, tenantId, s.id, s.draft_id) : []),
        ...(s?.receipt_key ? [s.receipt_key] : []),
      ];
      await this.store.queueFileDeletions(trx, tenantId, [...new Set(keys)], at);
      for (const handler of handlers.get(this.ctx) ?? []) await handler(trx, { tenantId, caseId: c.id, submissionId: c.submission_id, reference: c.reference });
      await caseService(this.ctx).store.deleteCase(trx, tenantId, c.id);
      if (s) await applications(this.ctx).store.deleteSubmission(trx, tenantId, s.id, s.draft_id);
      await this.store.insertLog(trx, {
        id: newId(this.ctx.clock),
        tenant_id: tenantId,
        case_id: c.id,
        service_id: c.service_id,
        definition_version: Number(c.definition_version),
        department_id: c.department_id,
        reference: c.reference,
        outcome: c.status,
        retention_days: days,
        received_at: c.created_at,
        closed_at: c.closed_at,
        deleted_at: at,
      });
      await this.ctx.audit.record(
        {
          tenantId,
          actor: { type: "system" },
          action: "records.retention.delete",
          object: { type: "case", id: c.id },
          fields: ["case", "events", "messages", "notes", "files", ...(s ? ["submission", "answers", "draft"] : [])],
          reason: `retention ${days} days after closing`,
        },
        trx,
      );
      return true;
    });
  }

  /** Removes queued files from storage (a missing file counts as removed); returns how many failed. */
  private async drainFiles(result: RetentionResult): Promise<number> {
    let failed = 0;
    const skip = new Set<string>();
    for (;;) {
      const batch = (await this.store.pendingFileDeletions(BATCH + skip.size)).filter((r) => !skip.has(r.storage_key));
      if (batch.length === 0) return failed;
      for (const { storage_key: key } of batch) {
        try {
          await this.ctx.storage.delete(key);
          await this.store.fileDeleted(key);
          result.files++;
        } catch (err) {
          failed++;
          skip.add(key);
          this.ctx.log.error({ err: (err as Error).message, key }, "retention: file not removed from storage");
        }
      }
    }
  }
}
