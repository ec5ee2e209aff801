import type { Selectable } from "kysely";
import type { AppContext } from "../../platform/context.js";
import type { Executor } from "../../platform/db/index.js";
import type { Tenant } from "../../platform/tenancy.js";
import { newId, randomToken } from "../../platform/ids.js";
import { berlinDateTime } from "../../platform/clock.js";
import { serviceCatalogue, readStep, visibleSteps, type Answers, type FileRef, type ServiceDefinition, type StepDefinition, type StepErrors } from "../services/index.js";
import { ApplicationStore, type DraftRow, type FileRow, type SubmissionRow } from "./store.js";
import { bodyFromAnswers, compactRepeats, contactOf, prefillAnswers, pruneHidden, stepOwnsInput, validateAll, type PrefillSource } from "./answers.js";

export const RECEIPT_JOB = "applications.receipt";
export const SUBMITTED_JOB = "applications.submitted";
export const PURGE_JOB = "applications.purgeDrafts";

/** A draft as the rules see it. */
export interface Draft {
  id: string;
  tenantId: string;
  serviceId: string;
  definitionVersion: number;
  accountId: string | null;
  answers: Answers;
  stepsDone: string[];
  prefilled: string[];
  status: "open" | "submitted";
  submissionId: string | null;
  linkSalt: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
}

export interface Submission {
  id: string;
  tenantId: string;
  draftId: string;
  serviceId: string;
  definitionVersion: number;
  reference: string;
  accountId: string | null;
  answers: Answers;
  contactEmail: string | null;
  contactName: string | null;
  status: string;
  linkSalt: string;
  receiptKey: string | null;
  submittedAt: string;
}

/** What the back office gets told about a new submission (the payload of SUBMITTED_JOB). */
export interface SubmittedEvent {
  tenantId: string;
  submissionId: string;
  serviceId: string;
  reference: string;
}
export type SubmissionHandler = (event: SubmittedEvent, ctx: AppContext) => Promise<void>;

export interface UploadedFile {
  inputName: string;
  fileName: string;
  data: Buffer;
}

const toDraft = (r: Selectable<DraftRow>): Draft => ({
  id: r.id,
  tenantId: r.tenant_id,
  serviceId: r.service_id,
  definitionVersion: r.definition_version,
  accountId: r.account_id,
  answers: JSON.parse(r.answers) as Answers,
  stepsDone: JSON.parse(r.steps_done) as string[],
  prefilled: JSON.parse(r.prefilled) as string[],
  status: r.status,
  submissionId: r.submission_id,
  linkSalt: r.link_salt,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  expiresAt: r.expires_at,
});

const toSubmission = (r: Selectable<SubmissionRow>): Submission => ({
  id: r.id,
  tenantId: r.tenant_id,
  draftId: r.draft_id,
  serviceId: r.service_id,
  definitionVersion: r.definition_version,
  reference: r.reference,
  accountId: r.account_id,
  answers: JSON.parse(r.answers) as Answers,
  contactEmail: r.contact_email,
  contactName: r.contact_name,
  status: r.status,
  linkSalt: r.link_salt,
  receiptKey: r.receipt_key,
  submittedAt: r.submitted_at,
});

export const fileRef = (r: Pick<FileRow, "id" | "file_name" | "size" | "content_type">): FileRef => ({ id: r.id, name: r.file_name, size: r.size, type: r.content_type });

/** Files by the input they were uploaded for, as the engine reads them. */
export function filesByInput(rows: Pick<FileRow, "id" | "file_name" | "size" | "content_type" | "input_name">[]): Record<string, FileRef[]> {
  const out: Record<string, FileRef[]> = {};
  for (const r of rows) (out[r.input_name] ??= []).push(fileRef(r));
  return out;
}

/** The municipality's prefix of reference numbers: "usingen" → "USI". */
export function referencePrefix(tenant: Pick<Tenant, "slug">): string {
  return (tenant.slug.replace(/[^a-z]/gi, "").slice(0, 3) || "RAT").toUpperCase();
}

export type StepResult = { ok: true; next: string | undefined } | { ok: false; errors: StepErrors; body: Record<string, unknown> };

/**
 * Online applications: drafts that are filled step by step, checked again as a whole, and
 * submitted exactly once with a human reference number. Receipt PDF, confirmation mail and the
 * event for the back office are jobs enqueued in the submitting transaction.
 */
export class Applications {
  readonly store: ApplicationStore;
  readonly handlers: SubmissionHandler[] = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly opts: { anonymousDraftDays: number; accountDraftDays: number },
  ) {
    this.store = new ApplicationStore(ctx.db);
  }

  private today(): string {
    return berlinDateTime(this.ctx.clock.now()).date;
  }

  async definitionOf(d: Pick<Draft, "serviceId" | "definitionVersion">): Promise<ServiceDefinition> {
    const def = await serviceCatalogue(this.ctx).definitionVersion(d.serviceId, d.definitionVersion);
    if (!def) throw new Error(`definition ${d.serviceId}@${d.definitionVersion} is missing`);
    return def;
  }

  /** A new draft; a logged-in citizen's draft is theirs and starts with the Servicekonto's data. */
  async start(tenant: Tenant, def: ServiceDefinition, owner: { accountId?: string; prefill?: PrefillSource }): Promise<Draft> {
    const now = this.ctx.clock.now();
    const days = owner.accountId ? this.opts.accountDraftDays : this.opts.anonymousDraftDays;
    const prefill = owner.prefill ? prefillAnswers(def, owner.prefill) : { answers: {}, fields: [] };
    const row: DraftRow = {
      id: newId(this.ctx.clock),
      tenant_id: tenant.id,
      service_id: def.id,
      definition_version: def.version,
      account_id: owner.accountId ?? null,
      answers: JSON.stringify(prefill.answers),
      steps_done: "[]",
      prefilled: JSON.stringify(prefill.fields),
      status: "open",
      submission_id: null,
      link_salt: randomToken(12),
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
      expires_at: new Date(now.getTime() + days * 86_400_000).toISOString(),
    };
    await this.store.insertDraft(row);
    return toDraft(row);
  }

  /**
   * A draft from a whole form body at once (the values of an uploaded fillable PDF): every step
   * that applies is read as if posted; valid steps count as done, the valid answers of the others
   * are kept, and the citizen continues online at the first step that needs more.
   */
  async startFromBody(tenant: Tenant, def: ServiceDefinition, owner: { accountId?: string; prefill?: PrefillSource }, body: Record<string, unknown>): Promise<Draft> {
    const d = await this.start(tenant, def, owner);
    const tried = new Set<string>();
    for (;;) {
      const step = visibleSteps(def, d.answers).find((s) => !tried.has(s.id));
      if (!step) return d;
      tried.add(step.id);
      await this.saveStep(def, d, step, body, { save: true });
    }
  }

  async draft(tenantId: string, id: string): Promise<Draft | undefined> {
    const r = await this.store.draft(tenantId, id);
    return r ? toDraft(r) : undefined;
  }

  isExpired(d: Draft): boolean {
    return d.status === "open" && d.expiresAt <= this.ctx.clock.now().toISOString();
  }

  /** The steps that apply now and the first one not yet completed (undefined: ready for the check page). */
  progress(def: ServiceDefinition, d: Pick<Draft, "answers" | "stepsDone">): { steps: StepDefinition[]; next: StepDefinition | undefined } {
    const steps = visibleSteps(def, d.answers);
    return { steps, next: steps.find((s) => !d.stepsDone.includes(s.id)) };
  }

  /** A step may be opened when it applies and every step before it is completed: no skipping ahead. */
  mayOpen(def: ServiceDefinition, d: Draft, stepId: string): boolean {
    const { steps } = this.progress(def, d);
    const i = steps.findIndex((s) => s.id === stepId);
    return i >= 0 && steps.slice(0, i).every((s) => d.stepsDone.includes(s.id));
  }

  async files(d: Pick<Draft, "tenantId" | "id">): Promise<Selectable<FileRow>[]> {
    return this.store.draftFiles(d.tenantId, d.id);
  }

  /**
   * Reads a step's form. Valid: its answers replace the step's earlier ones, the step counts as
   * done, and steps that no longer apply lose their answers. Invalid: nothing changes but the
   * uploads already stored; the body comes back to show the form again with what was typed.
   * `save` keeps what is valid so far without completing the step (save and resume later).
   */
  async saveStep(def: ServiceDefinition, d: Draft, step: StepDefinition, rawBody: Record<string, unknown>, opts: { save?: boolean; keepOpen?: boolean } = {}): Promise<StepResult> {
    // Steps without uploads need no file query (most steps; it matters at hundreds of applications a second).
    const rows = stepHasFiles(step) ? await this.files(d) : [];
    const { body, renamed } = compactRepeats(step, rawBody, (prefix) => rows.some((r) => r.input_name.startsWith(prefix)));
    for (const [from, to] of renamed) {
      for (const r of rows.filter((x) => x.input_name.startsWith(from))) {
        r.input_name = to + r.input_name.slice(from.length);
        await this.store.renameFileInput(d.tenantId, r.id, r.input_name);
      }
    }
    const others = { ...d.answers };
    for (const f of step.fields) {
      if (f.type === "group" && !f.repeat) for (const c of f.fields ?? []) delete others[c.id];
      else delete others[f.id];
    }
    const { values, errors } = readStep(def, step, body, others, { today: this.today(), files: filesByInput(rows) });
    const failed = Object.keys(errors).length > 0 || !!opts.keepOpen;
    if (failed && !opts.save) return { ok: false, errors, body };

    // Answers that no longer apply go (a rule changed with this step's answers).
    const answers = pruneHidden(def, { ...others, ...values });
    let stepsDone = failed ? d.stepsDone.filter((s) => s !== step.id) : [...new Set([...d.stepsDone, step.id])];
    // Later completed steps stay completed only if they still hold with the new answers (an
    // earlier answer may make a later step ask for more): the citizen is led back to them. In the
    // usual forward flow no later step is completed yet, so this costs nothing.
    const applicable = visibleSteps(def, answers);
    const position = applicable.findIndex((s) => s.id === step.id);
    const others2 = applicable.filter((s, i) => i > position && stepsDone.includes(s.id));
    const allFiles = others2.some(stepHasFiles) ? filesByInput(await this.files(d)) : filesByInput(rows);
    stepsDone = stepsDone.filter((id) => {
      const s = applicable.find((x) => x.id === id);
      if (!s) return false;
      if (!others2.includes(s)) return true;
      return Object.keys(readStep(def, s, bodyFromAnswers(s, answers), answers, { today: this.today(), files: allFiles }).errors).length === 0;
    });
    const saved = await this.store.updateDraft(d.tenantId, d.id, { answers: JSON.stringify(answers), steps_done: JSON.stringify(stepsDone), updated_at: this.ctx.clock.now().toISOString() });
    if (!saved) return { ok: false, errors: { _form: "Dieser Antrag wurde bereits abgesendet." }, body };
    d.answers = answers;
    d.stepsDone = stepsDone;
    if (failed) return { ok: false, errors, body };
    return { ok: true, next: this.progress(def, d).next?.id };
  }

  /** Stores an upload that passed the checks (type, size, count, virus scan) for an input of `step`. */
  async addFile(d: Draft, step: StepDefinition, file: UploadedFile & { contentType: string }): Promise<FileRef> {
    if (!stepOwnsInput(step, file.inputName)) throw new Error(`input ${file.inputName} is not part of step ${step.id}`);
    const id = newId(this.ctx.clock);
    const key = `applications/${d.tenantId}/${d.id}/${id}`;
    const stored = await this.ctx.storage.put(key, file.data);
    const row: FileRow = {
      id,
      tenant_id: d.tenantId,
      draft_id: d.id,
      submission_id: null,
      input_name: file.inputName,
      file_name: safeFileName(file.fileName),
      content_type: file.contentType,
      size: stored.size,
      sha256: stored.sha256,
      storage_key: key,
      created_at: this.ctx.clock.now().toISOString(),
    };
    try {
      await this.store.insertFile(row);
    } catch (err) {
      await this.ctx.storage.delete(key).catch(() => undefined);
      throw err;
    }
    return fileRef(row);
  }

  /** Removes item `index` of a repeatable group from a form body and the draft's files; later items move up. */
  async removeRepeatItem(d: Draft, groupId: string, index: number, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const re = new RegExp(`^${groupId.replace(/[^\w-]/g, "")}\\[(\\d+)\\]\\.(.+)$`);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(body)) {
      const m = re.exec(k);
      if (!m) out[k] = v;
      else if (Number(m[1]) !== index) out[`${groupId}[${Number(m[1]) > index ? Number(m[1]) - 1 : Number(m[1])}].${m[2]}`] = v;
    }
    for (const r of await this.files(d)) {
      const m = re.exec(r.input_name);
      if (!m) continue;
      const n = Number(m[1]);
      if (n === index) await this.removeFile(d, r.id);
      else if (n > index) await this.store.renameFileInput(d.tenantId, r.id, `${groupId}[${n - 1}].${m[2]}`);
    }
    return out;
  }

  async removeFile(d: Draft, fileId: string): Promise<boolean> {
    const row = await this.store.deleteFile(d.tenantId, d.id, fileId);
    if (!row) return false;
    await this.ctx.storage.delete(row.storage_key).catch((err) => this.ctx.log.warn({ err, fileId }, "uploaded file not deleted from storage"));
    return true;
  }

  /** Everything checked again as a whole, as the engine reads forms; the first problem is reported. */
  async check(def: ServiceDefinition, d: Draft): Promise<ReturnType<typeof validateAll>> {
    const { next } = this.progress(def, d);
    if (next) return { ok: false, stepId: next.id, errors: {} };
    return validateAll(def, d.answers, filesByInput(await this.files(d)), this.today());
  }

  /**
   * Submits the draft exactly once: a double click or a replayed request finds the draft
   * already submitted and gets the same submission back (`created: false`).
   */
  async submit(tenant: Tenant, def: ServiceDefinition, d: Draft, links: { statusUrl: (s: Submission) => string; url: (s: Submission) => string }, account?: { email?: string | undefined; name?: string | undefined }): Promise<{ ok: true; submission: Submission; created: boolean } | { ok: false; stepId: string; errors: StepErrors }> {
    if (d.status === "submitted" && d.submissionId) {
      const existing = await this.store.submission(d.tenantId, d.submissionId);
      if (existing) return { ok: true, submission: toSubmission(existing), created: false };
    }
    const checked = await this.check(def, d);
    if (!checked.ok) return checked;
    const answers = checked.answers;
    const fileRows = await this.files(d);
    const used = new Set<string>();
    const collect = (v: unknown) => {
      if (Array.isArray(v)) for (const x of v) collect(x);
      else if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (typeof o.id === "string" && typeof o.size === "number" && typeof o.type === "string") used.add(o.id);
        else for (const x of Object.values(o)) collect(x);
      }
    };
    collect(answers);
    // The form's e-mail answer; for a logged-in citizen whose form asks for none, the account's address.
    const asked = contactOf(def, answers);
    const contact = { email: asked.email ?? account?.email, name: asked.name ?? account?.name };
    const now = this.ctx.clock.now();
    const submissionId = newId(this.ctx.clock);
    const year = Number(berlinDateTime(now).date.slice(0, 4));

    const outcome = await this.ctx.db.tx(async (trx) => {
      if (!(await this.store.markSubmitted(d.tenantId, d.id, submissionId, now.toISOString(), trx))) return undefined;
      const n = await this.store.nextNumber(d.tenantId, year, trx);
      const row: SubmissionRow = {
        id: submissionId,
        tenant_id: d.tenantId,
        draft_id: d.id,
        service_id: def.id,
        definition_version: def.version,
        reference: `${referencePrefix(tenant)}-${year}-${String(n).padStart(6, "0")}`,
        account_id: d.accountId,
        answers: JSON.stringify(answers),
        contact_email: contact.email ?? null,
        contact_name: contact.name ?? null,
        status: "eingegangen",
        link_salt: randomToken(12),
        receipt_key: null,
        submitted_at: now.toISOString(),
      };
      await this.store.insertSubmission(row, trx);
      await this.store.attachFiles(d.tenantId, d.id, submissionId, [...used], trx);
      const submission = toSubmission(row);
      await this.ctx.jobs.enqueue(RECEIPT_JOB, { tenantId: d.tenantId, submissionId }, { tenantId: d.tenantId }, trx);
      const event: SubmittedEvent = { tenantId: d.tenantId, submissionId, serviceId: def.id, reference: row.reference };
      await this.ctx.jobs.enqueue(SUBMITTED_JOB, event, { tenantId: d.tenantId }, trx);
      if (contact.email) {
        await this.ctx.mail.send(
          {
            tenantId: d.tenantId,
            to: contact.email,
            ...(contact.name ? { toName: contact.name } : {}),
            subject: `Ihr Antrag ist eingegangen – ${row.reference}`,
            reference: row.reference,
            text: [
              contact.name ? `Guten Tag ${contact.name},` : "Guten Tag,",
              "",
              `Ihr Antrag „${def.title}“ ist bei der ${tenant.kind} ${tenant.name} eingegangen.`,
              `Ihr Aktenzeichen: ${row.reference}`,
              "",
              ...(d.accountId
                ? ["Den Stand Ihres Antrags und Ihre Eingangsbestätigung (PDF) finden Sie in „Mein Rathaus“:", links.url(submission), "", "Diese E-Mail wurde automatisch erstellt."]
                : ["Den Stand Ihres Antrags und Ihre Eingangsbestätigung (PDF) finden Sie hier:", links.statusUrl(submission), "", "Bitte geben Sie diesen Link nicht weiter. Diese E-Mail wurde automatisch erstellt."]),
              "",
              `${tenant.kind} ${tenant.name}`,
            ].join("\n"),
          },
          trx,
        );
      }
      return submission;
    });
    if (!outcome) {
      // Someone else (the other click) submitted it a moment ago.
      const fresh = await this.store.draft(d.tenantId, d.id);
      const existing = fresh?.submission_id ? await this.store.submission(d.tenantId, fresh.submission_id) : undefined;
      if (!existing) throw new Error(`draft ${d.id} is neither open nor submitted`);
      return { ok: true, submission: toSubmission(existing), created: false };
    }
    // Uploads that no answer uses any more (removed, or their step no longer applies) go.
    for (const r of fileRows.filter((x) => !used.has(x.id))) {
      await this.store.deleteFile(d.tenantId, d.id, r.id);
      await this.ctx.storage.delete(r.storage_key).catch(() => undefined);
    }
    this.ctx.jobs.kick();
    return { ok: true, submission: outcome, created: true };
  }

  async submission(tenantId: string, id: string): Promise<Submission | undefined> {
    const r = await this.store.submission(tenantId, id);
    return r ? toSubmission(r) : undefined;
  }

  async submissionFiles(s: Pick<Submission, "tenantId" | "id">): Promise<Selectable<FileRow>[]> {
    return this.store.submissionFiles(s.tenantId, s.id);
  }

  async submissionFile(s: Pick<Submission, "tenantId" | "id">, fileId: string): Promise<Selectable<FileRow> | undefined> {
    return this.store.submissionFile(s.tenantId, s.id, fileId);
  }

  /** The processing state the applicant sees (set by the back office). */
  async setStatus(tenantId: string, submissionId: string, status: string, trx?: Executor): Promise<void> {
    await this.store.setStatus(tenantId, submissionId, status, trx);
  }

  /** Where the applicant follows the submission: the status link (anonymous) or the confirmation page in their account. */
  applicantUrl(tenant: Tenant, s: Submission): string {
    return s.accountId ? `${this.ctx.config.baseUrl}/${tenant.slug}/dienste/${s.serviceId}/antrag/${s.draftId}/eingang` : `${this.ctx.config.baseUrl}/${tenant.slug}/antrag/status/${this.statusToken(s)}`;
  }

  async discard(d: Draft): Promise<void> {
    const rows = await this.files(d);
    await this.store.deleteDraft(d.tenantId, d.id);
    for (const r of rows) await this.ctx.storage.delete(r.storage_key).catch(() => undefined);
  }

  /** Deletes drafts whose time ran out, with their files (a daily job). */
  async purgeExpired(): Promise<number> {
    let n = 0;
    for (;;) {
      const batch = await this.store.expiredDrafts(this.ctx.clock.now().toISOString(), 100);
      if (batch.length === 0) return n;
      for (const b of batch) {
        const d = await this.draft(b.tenant_id, b.id);
        if (d) await this.discard(d);
        n++;
      }
    }
  }

  // ---- secret links: the resume link of an anonymous draft, the status link of a submission ----

  private link(purpose: string, row: { id: string; linkSalt: string }): string {
    return `${row.id}.${this.ctx.secrets.sign(purpose, `${row.id}|${row.linkSalt}`)}`;
  }

  private async byLink<T extends { id: string; linkSalt: string }>(purpose: string, token: string, load: (id: string) => Promise<T | undefined>): Promise<T | undefined> {
    const [id, sig] = token.split(".");
    if (!id || !sig || id.length > 64) return undefined;
    const row = await load(id);
    return row && this.ctx.secrets.verify(purpose, `${row.id}|${row.linkSalt}`, sig) ? row : undefined;
  }

  resumeToken(d: Pick<Draft, "id" | "linkSalt">): string {
    return this.link("application-resume", d);
  }

  draftByResumeToken(tenantId: string, token: string): Promise<Draft | undefined> {
    return this.byLink("application-resume", token, (id) => this.draft(tenantId, id));
  }

  statusToken(s: Pick<Submission, "id" | "linkSalt">): string {
    return this.link("application-status", s);
  }

  submissionByStatusToken(tenantId: string, token: string): Promise<Submission | undefined> {
    return this.byLink("application-status", token, (id) => this.submission(tenantId, id));
  }

  async ofAccount(tenantId: string, accountId: string): Promise<{ drafts: Draft[]; submissions: Submission[] }> {
    const [drafts, submissions] = await Promise.all([this.store.draftsOfAccount(tenantId, accountId), this.store.submissionsOfAccount(tenantId, accountId)]);
    return { drafts: drafts.map(toDraft), submissions: submissions.map(toSubmission) };
  }

  /** Runs the registered consumers of a submission (the job SUBMITTED_JOB). */
  async dispatch(event: SubmittedEvent): Promise<void> {
    for (const h of this.handlers) await h(event, this.ctx);
  }
}

function stepHasFiles(step: StepDefinition): boolean {
  return step.fields.some((f) => f.type === "file" || (f.fields ?? []).some((c) => c.type === "file"));
}

/** A file name fit to show and to send back in Content-Disposition: no paths, no control characters. */
export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base.replace(/[\u0000-\u001f\u007f"<>|:*?]/g, "").trim().slice(0, 120);
  return clean || "datei";
}
