import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { newId } from "../../platform/ids.js";
import { applications } from "../applications/index.js";
import { summarise } from "../services/index.js";
import { caseService, type Case } from "../cases/index.js";
import type { ApiKey } from "./keys.js";
import type { CaseCursor, HandoffStore } from "./store.js";

/** A case as the API hands it over (JSON). */
export interface ApiCase {
  id: string;
  reference: string;
  service: { id: string; title: string; definitionVersion: number };
  status: { key: string; label: string; final: boolean };
  departmentId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  dueAt: string | null;
  closedAt: string | null;
  acknowledgedAt: string | null;
  applicant: { name: string | null; email: string | null; accountId: string | null };
  /** the answers as submitted, keyed by the form's input ids (uploads appear as file references) */
  answers: Record<string, unknown>;
  /** the same answers as labelled steps, as the staff page shows them */
  summary: { step: string; rows: { label: string; value: string }[] }[];
  href: string;
}

export interface ApiFile {
  id: string;
  /** "application": uploaded with the application; "case": added later (the citizen's answers, Bescheide) */
  source: "application" | "case";
  kind: "upload" | "answer" | "bescheid";
  /** the form input an application upload belongs to */
  input: string | null;
  title: string | null;
  name: string;
  contentType: string;
  size: number;
  createdAt: string;
  href: string;
}

export type ApiCaseDetail = ApiCase & { files: ApiFile[] };

export type TransitionOutcome = { ok: true; case: ApiCaseDetail } | { ok: false; status: 409 | 422; message: string; errors?: Record<string, string> };

/** Bescheide uploaded by a system must be PDFs of at most this size. */
export const MAX_BESCHEID_BYTES = 20 * 1024 * 1024;

const cursorText = (c: Pick<Case, "created_at" | "id">) => Buffer.from(`${c.created_at}|${c.id}`).toString("base64url");

/** The `after` parameter: an opaque cursor from an earlier page; undefined when it is not one. */
export function parseCursor(raw: string): CaseCursor | undefined {
  const text = Buffer.from(raw, "base64url").toString("utf8");
  const m = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)\|([0-9a-f-]{36})$/.exec(text);
  return m ? { createdAt: m[1]!, id: m[2]! } : undefined;
}

/**
 * The hand-off of cases to specialised systems (Fachverfahren) through API keys: what a key may
 * see (its municipality, and its department if it has one), the JSON it gets, the changes it may
 * make. No HTTP here; the routes in api.ts translate.
 */
export class CaseHandoff {
  constructor(private readonly ctx: AppContext, private readonly store: HandoffStore) {}

  private get cases() {
    return caseService(this.ctx);
  }

  private apiBase(tenant: Tenant): string {
    return `${this.ctx.config.baseUrl}/api/v1/${tenant.slug}/cases`;
  }

  /** The case if the key may see it; undefined otherwise (the API answers 404 either way). */
  async caseFor(key: ApiKey, id: string): Promise<Case | undefined> {
    const c = await this.cases.get(key.tenantId, id);
    if (!c) return undefined;
    if (key.departmentId && c.department_id !== key.departmentId) return undefined;
    return c;
  }

  async page(key: ApiKey, tenant: Tenant, f: { status?: string | undefined; acknowledged?: boolean | undefined; after?: CaseCursor | undefined; limit: number }): Promise<{ items: ApiCase[]; next: string | null }> {
    const rows = await this.store.casePage(key.tenantId, { ...f, departmentId: key.departmentId });
    const page = rows.slice(0, f.limit);
    const items: ApiCase[] = [];
    for (const row of page) items.push(await this.toApi(tenant, row, row.acknowledged_at));
    await this.recordViews(key, page, ["answers"]);
    const last = page.at(-1);
    return { items, next: rows.length > f.limit && last ? cursorText(last) : null };
  }

  async detail(key: ApiKey, tenant: Tenant, c: Case, audit = true): Promise<ApiCaseDetail> {
    const ack = await this.store.handoff(c.tenant_id, c.id);
    const base = await this.toApi(tenant, c, ack?.acknowledged_at ?? null);
    const s = await this.cases.submissionOf(c);
    const [appFiles, caseFiles] = await Promise.all([s ? applications(this.ctx).submissionFiles(s) : Promise.resolve([]), this.cases.store.files(c.tenant_id, c.id)]);
    const href = (fileId: string) => `${base.href}/files/${fileId}`;
    const files: ApiFile[] = [
      ...appFiles.map((f): ApiFile => ({ id: f.id, source: "application", kind: "upload", input: f.input_name, title: null, name: f.file_name, contentType: f.content_type, size: f.size, createdAt: f.created_at, href: href(f.id) })),
      ...caseFiles.map((f): ApiFile => ({ id: f.id, source: "case", kind: f.kind, input: null, title: f.title, name: f.file_name, contentType: f.content_type, size: f.size, createdAt: f.created_at, href: href(f.id) })),
    ];
    if (audit) await this.recordViews(key, [c], ["answers", "files"]);
    return { ...base, files };
  }

  /** A file of the case (an application upload or a case file), for download. */
  async file(key: ApiKey, c: Case, fileId: string): Promise<{ storageKey: string; name: string; contentType: string; kind: string } | undefined> {
    const own = await this.cases.store.file(c.tenant_id, c.id, fileId);
    let found: { storageKey: string; name: string; contentType: string; kind: string } | undefined;
    if (own) found = { storageKey: own.storage_key, name: own.file_name, contentType: own.content_type, kind: own.kind };
    else {
      const s = await this.cases.submissionOf(c);
      const f = s ? await applications(this.ctx).submissionFile(s, fileId) : undefined;
      if (f) found = { storageKey: f.storage_key, name: f.file_name, contentType: f.content_type, kind: "application-file" };
    }
    if (found) await this.ctx.audit.record({ tenantId: c.tenant_id, actor: { type: "system", id: key.id }, action: "case.file.view", object: { type: "case", id: c.id }, fields: [found.kind === "application-file" ? "application_file" : found.kind] });
    return found;
  }

  /** The system took the case over. Idempotent: a repeated call returns the first acknowledgement. */
  async acknowledge(key: ApiKey, c: Case): Promise<{ acknowledgedAt: string; acknowledgedByKey: string; first: boolean }> {
    const at = this.ctx.clock.now().toISOString();
    const first = await this.ctx.db.tx(async (trx) => {
      const inserted = await this.store.acknowledge({ case_id: c.id, tenant_id: c.tenant_id, acknowledged_at: at, acknowledged_by_key: key.id }, trx);
      if (inserted) await this.ctx.audit.record({ tenantId: c.tenant_id, actor: { type: "system", id: key.id }, action: "case.handoff.ack", object: { type: "case", id: c.id } }, trx);
      return inserted;
    });
    const row = (await this.store.handoff(c.tenant_id, c.id))!;
    return { acknowledgedAt: row.acknowledged_at, acknowledgedByKey: row.acknowledged_by_key, first };
  }

  /**
   * A workflow step through the cases service, with the same checks as a staff member's (the
   * workflow, optimistic locking, the Bescheid text). Without `version` the current one is used.
   */
  async transition(key: ApiKey, tenant: Tenant, c: Case, input: { to: string; version?: number | undefined; text?: string | undefined }): Promise<TransitionOutcome> {
    const r = await this.cases.transition(tenant, c, { to: input.to, version: input.version ?? c.version, text: input.text }, { kind: "system", id: key.id, name: `Schnittstelle: ${key.label}` });
    if (r.ok) return { ok: true, case: await this.detail(key, tenant, r.case, false) };
    if ("conflict" in r) return { ok: false, status: 409, message: "Der Vorgang wurde inzwischen geändert (version ist veraltet). Bitte laden Sie ihn neu und versuchen Sie es erneut." };
    return { ok: false, status: 422, message: Object.values(r.errors).join(" "), errors: r.errors };
  }

  /**
   * A Bescheid made by the specialised system: stored as a case file of kind "bescheid", shown to
   * the applicant like one made here, with a history entry, an audit entry and the usual mail
   * (that a Bescheid is there, the reference, the link — never the content). The caller checked
   * that the bytes are a PDF.
   */
  async deliverBescheid(key: ApiKey, tenant: Tenant, c: Case, input: { data: Buffer; title: string; fileName: string }): Promise<ApiFile> {
    const at = this.ctx.clock.now().toISOString();
    const id = newId(this.ctx.clock);
    const row = { id, tenant_id: c.tenant_id, case_id: c.id, message_id: null, kind: "bescheid" as const, title: input.title, file_name: input.fileName, content_type: "application/pdf", size: input.data.length, storage_key: `cases/${c.tenant_id}/${c.id}/${id}.pdf`, created_at: at, first_read_at: null };
    await this.ctx.storage.put(row.storage_key, input.data);
    const s = await this.cases.submissionOf(c);
    try {
      await this.ctx.db.tx(async (trx) => {
        await this.cases.store.insertFile(row, trx);
        await this.cases.store.insertEvent({ id: newId(this.ctx.clock), tenant_id: c.tenant_id, case_id: c.id, at, actor_type: "system", actor_id: key.id, actor_name: `Schnittstelle: ${key.label}`, kind: "bescheid", from_status: null, to_status: c.status, text: `Bescheid zugestellt: ${input.title}`, public: 1 }, trx);
        await this.ctx.audit.record({ tenantId: c.tenant_id, actor: { type: "system", id: key.id }, action: "case.bescheid.upload", object: { type: "case", id: c.id }, fields: ["bescheid"] }, trx);
        if (s) await this.cases.notify(tenant, c, s, "bescheid", trx);
      });
    } catch (err) {
      await this.ctx.storage.delete(row.storage_key).catch(() => undefined);
      throw err;
    }
    return { id, source: "case", kind: "bescheid", input: null, title: row.title, name: row.file_name, contentType: row.content_type, size: row.size, createdAt: at, href: `${this.apiBase(tenant)}/${c.id}/files/${id}` };
  }

  private async toApi(tenant: Tenant, c: Case, acknowledgedAt: string | null): Promise<ApiCase> {
    const def = await this.cases.definitionOf(c);
    const state = this.cases.workflowOf(def).states.find((x) => x.key === c.status);
    const s = await this.cases.submissionOf(c);
    return {
      id: c.id,
      reference: c.reference,
      service: { id: c.service_id, title: def.title, definitionVersion: c.definition_version },
      status: { key: c.status, label: state?.label ?? c.status, final: !!state?.final },
      departmentId: c.department_id,
      version: c.version,
      createdAt: c.created_at,
      updatedAt: c.updated_at,
      dueAt: c.due_at,
      closedAt: c.closed_at,
      acknowledgedAt,
      applicant: { name: s?.contactName ?? null, email: s?.contactEmail ?? null, accountId: c.account_id },
      answers: s?.answers ?? {},
      summary: s ? summarise(def, s.answers).map(({ step, rows }) => ({ step: step.title, rows })) : [],
      href: `${this.apiBase(tenant)}/${c.id}`,
    };
  }

  /** Handing a case's data over is a view of it: audited like a staff member's, with the key as actor. */
  private async recordViews(key: ApiKey, cases: Pick<Case, "id" | "tenant_id">[], fields: string[]): Promise<void> {
    if (cases.length === 0) return;
    await this.ctx.db.tx(async (trx) => {
      for (const c of cases) await this.ctx.audit.record({ tenantId: c.tenant_id, actor: { type: "system", id: key.id }, action: "case.view", object: { type: "case", id: c.id }, fields, reason: "Schnittstelle" }, trx);
    });
  }
}
