import type { Selectable } from "kysely";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { StaffAccount } from "../../platform/auth/accounts.js";
import { can } from "../../platform/auth/permissions.js";
import { newId } from "../../platform/ids.js";
import { formatDate, formatDateTime } from "../../platform/clock.js";
import { renderTextDocument } from "../../platform/pdf/document.js";
import { serviceCatalogue, summarise, type ServiceDefinition } from "../services/index.js";
import { applications, type Submission, type SubmittedEvent } from "../applications/index.js";
import { CaseStore, type CaseFileRow, type CaseRow, type Cursor, type InboxFilter } from "./store.js";
import { DEFAULT_WORKFLOW, PROCESSING_ROLE, dueAt, stateOf, transitionsFrom, type Workflow, type WorkflowTransition } from "./workflow.js";

export type Case = Selectable<CaseRow>;

export type ActionResult = { ok: true; case: Case } | { ok: false; errors: Record<string, string> } | { ok: false; conflict: true };

/** An uploaded file that passed the checks (type by content, size, virus scan). */
export interface CheckedFile {
  fileName: string;
  contentType: string;
  data: Buffer;
}

const CONFLICT = { ok: false as const, conflict: true as const };

/** A specialised system acting through the API (an API key): it may take the processing role's transitions. */
export interface SystemActor {
  kind: "system";
  id: string;
  name: string;
}
const isSystem = (a: StaffAccount | SystemActor): a is SystemActor => (a as SystemActor).kind === "system";

export const DEFAULT_BESCHEID_TEXTS: Record<string, string> = {
  abgeschlossen:
    "Sehr geehrte Damen und Herren,\n\nIhrem Antrag „{{antrag}}“ vom {{eingang}} (Aktenzeichen {{aktenzeichen}}) wird entsprochen.\n\nBegründung: Die Voraussetzungen liegen vor.\n\nMit freundlichen Grüßen\n{{kommune}}",
  abgelehnt:
    "Sehr geehrte Damen und Herren,\n\nIhr Antrag „{{antrag}}“ vom {{eingang}} (Aktenzeichen {{aktenzeichen}}) wird abgelehnt.\n\nBegründung: [Bitte die Gründe eintragen.]\n\nMit freundlichen Grüßen\n{{kommune}}",
};

const RECHTSBEHELF =
  "Rechtsbehelfsbelehrung: Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben werden. Der Widerspruch ist schriftlich, in elektronischer Form oder zur Niederschrift bei der oben genannten Behörde einzulegen.";

/**
 * Cases (Vorgänge): every submission becomes one, in the department the municipality maps the
 * service to. Changes go through here: each checks the workflow and the role, refuses a change
 * based on an outdated version (optimistic locking), writes the history and the audit log, and
 * keeps the status the applicant sees in step.
 */
export class CaseService {
  readonly store: CaseStore;

  constructor(private readonly ctx: AppContext) {
    this.store = new CaseStore(ctx.db);
  }

  private now(): string {
    return this.ctx.clock.now().toISOString();
  }

  async definitionOf(c: Pick<CaseRow, "service_id" | "definition_version">): Promise<ServiceDefinition> {
    return applications(this.ctx).definitionOf({ serviceId: c.service_id, definitionVersion: c.definition_version });
  }

  workflowOf(def: ServiceDefinition): Workflow {
    return def.workflow ?? DEFAULT_WORKFLOW;
  }

  /** The back office's consumer of new submissions (idempotent: a retried job finds the case there). */
  async onSubmitted(e: SubmittedEvent): Promise<void> {
    const apps = applications(this.ctx);
    const s = await apps.submission(e.tenantId, e.submissionId);
    if (!s) return;
    if (await this.store.caseOfSubmission(e.tenantId, s.id)) return;
    const def = await apps.definitionOf(s);
    const workflow = this.workflowOf(def);
    const department = await serviceCatalogue(this.ctx).department(e.tenantId, s.serviceId);
    const now = this.ctx.clock.now();
    const row: CaseRow = {
      id: newId(this.ctx.clock),
      tenant_id: s.tenantId,
      submission_id: s.id,
      service_id: s.serviceId,
      definition_version: s.definitionVersion,
      reference: s.reference,
      department_id: department?.id ?? null,
      account_id: s.accountId,
      applicant: s.contactName,
      status: workflow.initial,
      assignee_id: null,
      version: 1,
      state_since: now.toISOString(),
      due_at: dueAt(workflow, workflow.initial, now)?.toISOString() ?? null,
      search_text: [s.reference, s.contactName ?? "", def.title].join(" ").toLowerCase(),
      created_at: s.submittedAt,
      updated_at: now.toISOString(),
      closed_at: null,
    };
    await this.ctx.db.tx(async (trx) => {
      if (!(await this.store.insertCase(row, trx))) return;
      await this.store.insertEvent({ id: newId(this.ctx.clock), tenant_id: row.tenant_id, case_id: row.id, at: row.updated_at, actor_type: "system", actor_id: null, actor_name: null, kind: "created", from_status: null, to_status: row.status, text: department ? `Zuständig: ${department.name}` : "Keine zuständige Stelle zugeordnet", public: 1 }, trx);
      await apps.setStatus(row.tenant_id, s.id, row.status, trx);
      await this.ctx.audit.record({ tenantId: row.tenant_id, actor: { type: "system" }, action: "case.create", object: { type: "case", id: row.id } }, trx);
    });
  }

  async get(tenantId: string, id: string): Promise<Case | undefined> {
    return this.store.case(tenantId, id);
  }

  /** May this staff member see and process the case? Department roles count only in their department. */
  mayProcess(staff: StaffAccount | undefined, c: Case): boolean {
    return can(staff, c.tenant_id, PROCESSING_ROLE, { departmentId: c.department_id });
  }

  inbox(tenantId: string, filter: InboxFilter, cursor: Cursor | undefined, limit: number): Promise<Case[]> {
    return this.store.inbox(tenantId, filter, cursor, limit);
  }

  async recordView(c: Case, staff: StaffAccount, fields: string[], reason?: string): Promise<void> {
    await this.ctx.audit.record({ tenantId: c.tenant_id, actor: { type: "staff", id: staff.id }, action: "case.view", object: { type: "case", id: c.id }, fields, ...(reason ? { reason } : {}) });
  }

  /** The transitions this staff member may take from the case's state now. */
  async allowedTransitions(c: Case, actor: StaffAccount | SystemActor): Promise<WorkflowTransition[]> {
    const w = this.workflowOf(await this.definitionOf(c));
    return transitionsFrom(w, c.status).filter((t) => {
      const roles = t.roles ?? [PROCESSING_ROLE];
      return isSystem(actor) ? roles.includes(PROCESSING_ROLE) : roles.some((role) => can(actor, c.tenant_id, role, { departmentId: c.department_id }));
    });
  }

  /** The Bescheid text proposed for a final state: the service's template or the default, placeholders filled. */
  async bescheidDraft(tenant: Tenant, c: Case, state: string): Promise<string> {
    const def = await this.definitionOf(c);
    const s = await applications(this.ctx).submission(c.tenant_id, c.submission_id);
    const template = def.bescheidTemplates?.[state] ?? DEFAULT_BESCHEID_TEXTS[state] ?? DEFAULT_BESCHEID_TEXTS.abgeschlossen!;
    const values: Record<string, string> = {
      aktenzeichen: c.reference,
      antrag: def.title,
      eingang: formatDate(c.created_at),
      name: s?.contactName ?? "",
      kommune: `${tenant.kind} ${tenant.name}`,
      datum: formatDate(this.ctx.clock.now()),
    };
    return template.replace(/\{\{(\w+)\}\}/g, (m, key: string) => values[key] ?? m);
  }

  /**
   * Moves the case along its workflow. `text` is the message (Rückfrage) or the Bescheid text
   * where the transition needs one. Refused: a transition the workflow does not have from here,
   * one the staff member's role does not allow, and any change based on an outdated version.
   */
  async transition(tenant: Tenant, c: Case, input: { to: string; version: number; text?: string | undefined }, actor: StaffAccount | SystemActor): Promise<ActionResult> {
    const def = await this.definitionOf(c);
    const w = this.workflowOf(def);
    const t = (await this.allowedTransitions(c, actor)).find((x) => x.to === input.to);
    const who = isSystem(actor) ? { type: "system" as const, id: actor.id, name: actor.name } : { type: "staff" as const, id: actor.id, name: actor.name };
    if (!t) return { ok: false, errors: { status: "Dieser Schritt ist im aktuellen Stand nicht möglich oder nicht erlaubt." } };
    const text = (input.text ?? "").replace(/\r\n/g, "\n").trim();
    if ((t.withMessage || t.withBescheid) && !text) return { ok: false, errors: { text: t.withBescheid ? "Bitte geben Sie den Text des Bescheids ein." : "Bitte schreiben Sie, welche Angaben oder Unterlagen fehlen." } };
    if (text.length > 20_000) return { ok: false, errors: { text: "Der Text ist zu lang (höchstens 20.000 Zeichen)." } };
    const at = this.ctx.clock.now();
    const to = stateOf(w, t.to);
    // The Bescheid is rendered before the transaction (a PDF takes milliseconds; the transaction stays short).
    let bescheid: { row: CaseFileRow; data: Buffer } | undefined;
    if (t.withBescheid) {
      const data = await this.renderBescheid(tenant, c, def, to.label, text, at);
      const id = newId(this.ctx.clock);
      bescheid = {
        data,
        row: { id, tenant_id: c.tenant_id, case_id: c.id, message_id: null, kind: "bescheid", title: `Bescheid: ${to.label}`, file_name: `Bescheid-${c.reference}.pdf`, content_type: "application/pdf", size: data.length, storage_key: `cases/${c.tenant_id}/${c.id}/${id}.pdf`, created_at: at.toISOString(), first_read_at: null },
      };
      await this.ctx.storage.put(bescheid.row.storage_key, data);
    }
    const submission = await applications(this.ctx).submission(c.tenant_id, c.submission_id);
    const changed = await this.ctx.db.tx(async (trx) => {
      const ok = await this.store.updateCase(c.tenant_id, c.id, input.version, { status: to.key, state_since: at.toISOString(), due_at: dueAt(w, to.key, at)?.toISOString() ?? null, updated_at: at.toISOString(), closed_at: to.final ? at.toISOString() : null }, trx);
      if (!ok) return false;
      await this.store.insertEvent({ id: newId(this.ctx.clock), tenant_id: c.tenant_id, case_id: c.id, at: at.toISOString(), actor_type: who.type, actor_id: who.id, actor_name: who.name, kind: "status", from_status: c.status, to_status: to.key, text: t.label, public: 1 }, trx);
      if (t.withMessage) await this.store.insertMessage({ id: newId(this.ctx.clock), tenant_id: c.tenant_id, case_id: c.id, direction: "to-citizen", text, staff_id: who.type === "staff" ? who.id : null, created_at: at.toISOString(), read_at: null }, trx);
      if (bescheid) await this.store.insertFile(bescheid.row, trx);
      await applications(this.ctx).setStatus(c.tenant_id, c.submission_id, to.key, trx);
      if (submission) await this.notify(tenant, c, submission, t.withBescheid ? "bescheid" : t.withMessage ? "message" : "status", trx);
      // The audit entry last: it takes the audit chain's lock, which is then held only until the commit.
      await this.ctx.audit.record({ tenantId: c.tenant_id, actor: { type: who.type, id: who.id }, action: "case.transition", object: { type: "case", id: c.id }, fields: ["status", ...(t.withMessage ? ["message"] : []), ...(bescheid ? ["bescheid"] : [])], reason: `${c.status} → ${to.key}` }, trx);
      return true;
    });
    if (!changed) {
      if (bescheid) await this.ctx.storage.delete(bescheid.row.storage_key).catch(() => undefined);
      return CONFLICT;
    }
    return { ok: true, case: (await this.get(c.tenant_id, c.id))! };
  }

  async assign(c: Case, version: number, assigneeId: string | null, staff: StaffAccount): Promise<ActionResult> {
    if (assigneeId) {
      const assignee = await this.ctx.accounts.byId(assigneeId);
      if (!assignee || !this.mayProcess(assignee, c)) return { ok: false, errors: { assignee: "Diese Person kann den Vorgang nicht bearbeiten (keine Sachbearbeitung in diesem Bereich)." } };
    }
    const at = this.now();
    const name = assigneeId ? (await this.ctx.accounts.byId(assigneeId))?.name ?? null : null;
    const ok = await this.ctx.db.tx(async (trx) => {
      if (!(await this.store.updateCase(c.tenant_id, c.id, version, { assignee_id: assigneeId, updated_at: at }, trx))) return false;
      await this.store.insertEvent({ id: newId(this.ctx.clock), tenant_id: c.tenant_id, case_id: c.id, at, actor_type: "staff", actor_id: staff.id, actor_name: staff.name, kind: "assigned", from_status: null, to_status: null, text: name ? `Zugewiesen an ${name}` : "Zuweisung aufgehoben", public: 0 }, trx);
      await this.ctx.audit.record({ tenantId: c.tenant_id, actor: { type: "staff", id: staff.id }, action: "case.assign", object: { type: "case", id: c.id }, fields: ["assignee"] }, trx);
      return true;
    });
    return ok ? { ok: true, case: (await this.get(c.tenant_id, c.id))! } : CONFLICT;
  }

  /** A message to the applicant without changing the state (a hint, a question that needs no Rückfrage). */
  async message(tenant: Tenant, c: Case, text: string, staff: StaffAccount): Promise<ActionResult> {
    const clean = text.replace(/\r\n/g, "\n").trim();
    if (!clean) return { ok: false, errors: { nachricht: "Bitte schreiben Sie eine Nachricht." } };
    if (clean.length > 10_000) return { ok: false, errors: { nachricht: "Die Nachricht ist zu lang (höchstens 10.000 Zeichen)." } };
    if (c.closed_at) return { ok: false, errors: { nachricht: "Der Vorgang ist abgeschlossen." } };
    const at = this.now();
    const submission = await applications(this.ctx).submission(c.tenant_id, c.submission_id);
    await this.ctx.db.tx(async (trx) => {
      await this.store.insertMessage({ id: newId(this.ctx.clock), tenant_id: c.tenant_id, case_id: c.id, direction: "to-citizen", text: clean, staff_id: staff.id, created_at: at, read_at: null }, trx);
      await this.store.insertEvent({ id: newId(this.ctx.clock), tenant_id: c.tenant_id, case_id: c.id, at, actor_type: "staff", actor_id: staff.id, actor_name: staff.name, kind: "message", from_status: null, to_status: null, text: "Nachricht an die antragstellende Person", public: 1 }, trx);
      if (submission) await this.notify(tenant, c, submission, "message", trx);
      await this.ctx.audit.record({ tenantId: c.tenant_id, actor: { type: "staff", id: staff.id }, action: "case.message", object: { type: "case", id: c.id }, fields: ["message"] }, trx);
    });
    return { ok: true, case: c };
  }

  async addNote(c: Case, text: string, staff: StaffAccount): Promise<ActionResult> {
    const clean = text.replace(/\r\n/g, "\n").trim();
    if (!clean) return { ok: false, errors: { notiz: "Bitte schreiben Sie eine Notiz." } };
    if (clean.length > 5000) return { ok: false, errors: { notiz: "Die Notiz ist zu lang (höchstens 5.000 Zeichen)." } };
    await this.store.insertNote({ id: newId(this.ctx.clock), tenant_id: c.tenant_id, case_id: c.id, staff_id: staff.id, text: clean, created_at: this.now() });
    await this.ctx.audit.record({ tenantId: c.tenant_id, actor: { type: "staff", id: staff.id }, action: "case.note", object: { type: "case", id: c.id }, fields: ["note"] });
    return { ok: true, case: c };
  }

  /**
   * The applicant answers (text and documents). A case waiting for the citizen moves back to
   * processing by itself; staff see the answer in the case and the inbox shows the new state.
   */
  async citizenAnswer(tenant: Tenant, c: Case, text: string, files: CheckedFile[], who: { accountId?: string | null }): Promise<ActionResult> {
    const clean = text.replace(/\r\n/g, "\n").trim();
    if (!clean && files.length === 0) return { ok: false, errors: { antwort: "Bitte schreiben Sie eine Antwort oder fügen Sie ein Dokument bei." } };
    if (clean.length > 10_000) return { ok: false, errors: { antwort: "Die Antwort ist zu lang (höchstens 10.000 Zeichen)." } };
    if (c.closed_at) return { ok: false, errors: { antwort: "Dieser Vorgang ist abgeschlossen. Bitte wenden Sie sich direkt an die Verwaltung." } };
    const w = this.workflowOf(await this.definitionOf(c));
    const at = this.ctx.clock.now();
    const messageId = newId(this.ctx.clock);
    const stored: CaseFileRow[] = [];
    for (const f of files) {
      const id = newId(this.ctx.clock);
      const row: CaseFileRow = { id, tenant_id: c.tenant_id, case_id: c.id, message_id: messageId, kind: "answer", title: "Nachgereichtes Dokument", file_name: f.fileName, content_type: f.contentType, size: f.data.length, storage_key: `cases/${c.tenant_id}/${c.id}/${id}`, created_at: at.toISOString(), first_read_at: null };
      await this.ctx.storage.put(row.storage_key, f.data);
      stored.push(row);
    }
    const back = stateOf(w, c.status).awaitsCitizen ? transitionsFrom(w, c.status)[0] : undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = attempt === 0 ? c : await this.get(c.tenant_id, c.id);
      if (!current) break;
      const ok = await this.ctx.db.tx(async (trx) => {
        const next = back && current.status === c.status ? stateOf(w, back.to) : undefined;
        if (!(await this.store.updateCase(c.tenant_id, c.id, current.version, { updated_at: at.toISOString(), ...(next ? { status: next.key, state_since: at.toISOString(), due_at: dueAt(w, next.key, at)?.toISOString() ?? null } : {}) }, trx))) return false;
        await this.store.insertMessage({ id: messageId, tenant_id: c.tenant_id, case_id: c.id, direction: "from-citizen", text: clean || "(Dokument ohne Text)", staff_id: null, created_at: at.toISOString(), read_at: null }, trx);
        for (const row of stored) await this.store.insertFile(row, trx);
        await this.store.insertEvent({ id: newId(this.ctx.clock), tenant_id: c.tenant_id, case_id: c.id, at: at.toISOString(), actor_type: "citizen", actor_id: who.accountId ?? null, actor_name: null, kind: "answer", from_status: current.status, to_status: next?.key ?? current.status, text: stored.length ? `Antwort mit ${stored.length} ${stored.length === 1 ? "Dokument" : "Dokumenten"}` : "Antwort", public: 1 }, trx);
        if (next) await applications(this.ctx).setStatus(c.tenant_id, c.submission_id, next.key, trx);
        await this.ctx.audit.record({ tenantId: c.tenant_id, actor: { type: "citizen", id: who.accountId ?? null }, action: "case.answer", object: { type: "case", id: c.id }, fields: ["message", ...(stored.length ? ["files"] : [])] }, trx);
        return true;
      });
      // A staff member changed the case at the same moment: the answer is written on the new version.
      if (ok) return { ok: true, case: (await this.get(c.tenant_id, c.id))! };
    }
    for (const row of stored) await this.ctx.storage.delete(row.storage_key).catch(() => undefined);
    return CONFLICT;
  }

  /** The applicant opened a Bescheid: the first time is recorded. */
  async markRead(c: Case, file: Selectable<CaseFileRow>): Promise<void> {
    if (!file.first_read_at) {
      await this.store.markFileRead(c.tenant_id, file.id, this.now());
      await this.ctx.audit.record({ tenantId: c.tenant_id, actor: { type: "citizen", id: c.account_id }, action: "case.bescheid.read", object: { type: "case", id: c.id } });
    }
  }

  private async renderBescheid(tenant: Tenant, c: Case, def: ServiceDefinition, outcome: string, text: string, at: Date): Promise<Buffer> {
    return renderTextDocument({
      title: `Bescheid – ${def.title} – ${c.reference}`,
      lang: "de-DE",
      author: `${tenant.kind} ${tenant.name}`,
      header: `${tenant.kind} ${tenant.name}`,
      createdAt: at,
      blocks: [
        { kind: "heading", text: `Bescheid: ${def.title}`, level: 1 },
        { kind: "rows", rows: [
          { label: "Aktenzeichen", value: c.reference },
          { label: "Antrag vom", value: formatDateTime(c.created_at) },
          { label: "Ergebnis", value: outcome },
          { label: "Datum", value: formatDate(at) },
        ] },
        ...text.split(/\n{2,}/).map((p) => ({ kind: "paragraph" as const, text: p })),
        { kind: "spacer" },
        { kind: "paragraph", text: RECHTSBEHELF },
      ],
    });
  }

  /** A mail to the applicant by the mail rule: that something happened, the reference, the link — never the content. */
  async notify(tenant: Tenant, c: Case, s: Submission, what: "status" | "message" | "bescheid", trx: Parameters<Parameters<AppContext["db"]["tx"]>[0]>[0]): Promise<void> {
    const apps = applications(this.ctx);
    if (!s.contactEmail) return;
    const subject = what === "bescheid" ? "Ein Bescheid zu Ihrem Antrag liegt vor" : what === "message" ? "Eine Nachricht zu Ihrem Antrag" : "Der Stand Ihres Antrags hat sich geändert";
    await this.ctx.mail.send(
      {
        tenantId: c.tenant_id,
        to: s.contactEmail,
        ...(s.contactName ? { toName: s.contactName } : {}),
        subject: `${subject} – ${c.reference}`,
        reference: c.reference,
        text: [s.contactName ? `Guten Tag ${s.contactName},` : "Guten Tag,", "", `${subject} (Aktenzeichen ${c.reference}).`, "Sie finden alles hier:", apps.applicantUrl(tenant, s), "", `${tenant.kind} ${tenant.name}`].join("\n"),
      },
      trx,
    );
  }

  /** The applicant's view: public history, messages, Bescheide and answer files — never internal notes or assignments. */
  async applicantView(c: Case): Promise<{ events: Awaited<ReturnType<CaseStore["events"]>>; messages: Awaited<ReturnType<CaseStore["messages"]>>; files: Selectable<CaseFileRow>[]; stateLabel: string; awaitsCitizen: boolean }> {
    const w = this.workflowOf(await this.definitionOf(c));
    const [events, messages, files] = await Promise.all([this.store.events(c.tenant_id, c.id, true), this.store.messages(c.tenant_id, c.id), this.store.files(c.tenant_id, c.id)]);
    return { events, messages, files, stateLabel: stateOf(w, c.status).label, awaitsCitizen: !!stateOf(w, c.status).awaitsCitizen };
  }

  async submissionOf(c: Case): Promise<Submission | undefined> {
    return applications(this.ctx).submission(c.tenant_id, c.submission_id);
  }

  async answersOf(c: Case): Promise<{ step: string; rows: { label: string; value: string }[] }[]> {
    const s = await this.submissionOf(c);
    if (!s) return [];
    return summarise(await this.definitionOf(c), s.answers).map(({ step, rows }) => ({ step: step.title, rows }));
  }
}
