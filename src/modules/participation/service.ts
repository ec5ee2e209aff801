import { createHash } from "node:crypto";
import type { AppContext } from "../../platform/context.js";
import type { Kdb } from "../../platform/db/index.js";
import type { Tenant } from "../../platform/tenancy.js";
import { newId, randomToken, sha256 } from "../../platform/ids.js";
import { tenantScope } from "../../platform/cache/versions.js";
import { berlinDateTime, formatDate } from "../../platform/clock.js";
import { sniffType } from "../../platform/storage/sniff.js";
import { isValidAddress } from "../../platform/mail/mailer.js";
import { publishingEvents } from "../publishing/index.js";
import { ParticipationStore, VERDICTS, type DocumentKind, type PhaseRow, type PlanType, type ProcedureRow, type StatementRow, type Verdict, type StatementStatus } from "./store.js";
import { statementSearchText } from "./migrations.js";
import { STAGES, STAGE_LABELS, addDays, checkPeriod, periodInstants, stageParagraphs, type Stage } from "./periods.js";

/** A rule of participation was broken: the message is German and meant for the user; `field` names the form field. */
export class ParticipationRuleError extends Error {
  constructor(message: string, readonly field?: string, readonly fields?: Record<string, string>) {
    super(message);
  }
}

/** A statement came after the period (or before it): the message says when the period ran. */
export class PeriodClosedError extends ParticipationRuleError {}

export interface StaffActor {
  id: string;
}

export const PLAN_TYPES: Record<PlanType, string> = {
  bebauungsplan: "Bebauungsplan",
  flaechennutzungsplan: "Flächennutzungsplan",
  aenderung: "Änderung eines Bauleitplans",
  sonstiges: "Sonstige Satzung",
};
export const DOCUMENT_KINDS: Record<DocumentKind, string> = {
  planzeichnung: "Planzeichnung",
  begruendung: "Begründung",
  umweltbericht: "Umweltbericht",
  gutachten: "Gutachten",
  sonstiges: "Sonstiges Dokument",
};
export const STATUS_LABELS: Record<StatementStatus, string> = { neu: "neu", in_bearbeitung: "in Bearbeitung", abgewogen: "abgewogen" };
export const VERDICT_LABELS: Record<Verdict, string> = {
  beruecksichtigt: "berücksichtigt",
  teilweise: "teilweise berücksichtigt",
  nicht_beruecksichtigt: "nicht berücksichtigt",
  kenntnis: "zur Kenntnis genommen",
};

/** Jobs of the module. */
export const PHASE_JOB = "participation.phases";
export const REMINDER_JOB = "participation.reminders";
export const FEEDBACK_JOB = "participation.feedback";

export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;
export const MAX_ATTACHMENTS = 5;
export const MAX_DOCUMENT_BYTES = 100 * 1024 * 1024;
export const MAX_STATEMENT_CHARS = 50_000;
/** agencies that have not answered get a reminder this many days before their deadline */
export const REMINDER_DAYS_BEFORE = 7;
const ATTACHMENT_TYPES = new Set(["application/pdf", "image/png", "image/jpeg"]);

export type PhaseState = "geplant" | "offen" | "beendet" | "abgesagt";

/** Whether a phase takes statements now; decided from the clock at read time. */
export function phaseState(p: Pick<PhaseRow, "opens_at" | "closes_at" | "cancelled_at">, now: Date): PhaseState {
  if (p.cancelled_at) return "abgesagt";
  const t = now.getTime();
  if (t < new Date(p.opens_at).getTime()) return "geplant";
  if (t < new Date(p.closes_at).getTime()) return "offen";
  return "beendet";
}

export const germanDate = (isoDate: string) => {
  const [y, m, d] = isoDate.split("-");
  return `${d}.${m}.${y}`;
};

export interface ProcedureInput {
  planType: PlanType;
  name: string;
  number?: string | null;
  areaDescription?: string;
  description?: string;
  scopeGeojson?: string | null;
}

export interface PhaseInput {
  stage: Stage;
  publicParticipation: boolean;
  agencyParticipation: boolean;
  /** YYYY-MM-DD, first and last day */
  start: string;
  end: string;
  shortenedReason?: string | null;
  /** agencies to invite (default: all active agencies of the town) */
  agencyIds?: string[];
  /** where the documents can also be seen on paper (Ort der Auslegung), for the announcement */
  place?: string;
}

export interface UploadedFile {
  fileName: string;
  data: Buffer;
  /** the upload was cut at the size limit */
  truncated?: boolean;
}

export type Submitter =
  | { kind: "anonymous" }
  | { kind: "account"; accountId: string }
  | { kind: "agency"; invitationToken: string }
  | { kind: "staff"; actor: StaffActor; receivedOn: string; source: "oeffentlichkeit" | "toeb"; agencyId?: string | null; address?: string | null };

export interface StatementInput {
  text: string;
  name?: string | null;
  email?: string | null;
  documentId?: string | null;
  documentPage?: string | null;
  locationText?: string | null;
  /** GeoJSON Point or Polygon from the map (optional; JavaScript only) */
  locationGeojson?: string | null;
  consent: boolean;
  files?: UploadedFile[];
}

export interface Receipt {
  id: string;
  reference: string;
  late: boolean;
  submittedAt: string;
  email: string | null;
}

/**
 * Participation in land-use planning: procedures, their documents and phases (with the statutory
 * periods), statements from the public and from agencies, the planning office's weighing, the
 * hand-over of the weighing table to the council and the feedback to submitters after the
 * council's decision.
 */
export class ParticipationService {
  readonly store: ParticipationStore;

  constructor(private readonly ctx: AppContext) {
    this.store = new ParticipationStore(ctx.db);
  }

  private now(): string {
    return this.ctx.clock.now().toISOString();
  }

  today(): string {
    return berlinDateTime(this.ctx.clock.now()).date;
  }

  /** Public pages of the town (participation pages, the home page's section) must be re-rendered. */
  async changed(tenantId: string, trx?: Kdb): Promise<void> {
    await this.ctx.versions.bump(tenantScope(tenantId), trx);
  }

  private tenant(tenantId: string): Tenant {
    const t = this.ctx.tenants.byId(tenantId);
    if (!t) throw new Error(`unknown tenant ${tenantId}`);
    return t;
  }

  private url(path: string): string {
    return new URL(path, this.ctx.config.baseUrl).toString();
  }

  // ---- procedures -----------------------------------------------------------------------------

  private checkProcedure(p: ProcedureInput): ProcedureInput {
    const errors: Record<string, string> = {};
    if (!(p.planType in PLAN_TYPES)) errors.planart = "Bitte wählen Sie die Art des Plans.";
    if (!p.name.trim()) errors.name = "Bitte geben Sie den Namen des Plans ein.";
    if (p.name.length > 300) errors.name = "Der Name ist zu lang (höchstens 300 Zeichen).";
    if ((p.number ?? "").length > 60) errors.nummer = "Die Nummer ist zu lang (höchstens 60 Zeichen).";
    if (p.scopeGeojson) {
      try {
        const g = JSON.parse(p.scopeGeojson) as { type?: string };
        if (g.type !== "MultiPolygon" && g.type !== "Polygon") throw new Error("type");
      } catch {
        errors.geltungsbereich = "Der Geltungsbereich ist kein GeoJSON-Polygon.";
      }
    }
    if (Object.keys(errors).length) throw new ParticipationRuleError(Object.values(errors)[0]!, Object.keys(errors)[0], errors);
    return { ...p, name: p.name.trim(), number: p.number?.trim() || null, areaDescription: p.areaDescription?.trim() ?? "", description: p.description?.trim() ?? "" };
  }

  async createProcedure(tenantId: string, input: ProcedureInput, actor: StaffActor, extra: { xplanJson?: string; xplanStorageKey?: string; documents?: { kind: DocumentKind; title: string; url: string }[] } = {}): Promise<ProcedureRow> {
    const p = this.checkProcedure(input);
    const now = this.now();
    const row: ProcedureRow = {
      id: newId(this.ctx.clock),
      tenant_id: tenantId,
      plan_type: p.planType,
      name: p.name,
      number: p.number ?? null,
      area_description: p.areaDescription ?? "",
      description: p.description ?? "",
      scope_geojson: p.scopeGeojson ?? null,
      state: "entwurf",
      xplan_json: extra.xplanJson ?? null,
      xplan_storage_key: extra.xplanStorageKey ?? null,
      created_by: actor.id,
      created_at: now,
      modified_at: now,
    };
    await this.ctx.db.tx(async (trx) => {
      await this.store.insertProcedure(row, trx);
      let position = 1;
      for (const d of extra.documents ?? []) {
        await this.store.insertDocument({ id: newId(this.ctx.clock), tenant_id: tenantId, procedure_id: row.id, kind: d.kind, title: d.title, storage_key: null, file_name: null, mime_type: null, size: null, url: d.url, position: position++, created_at: now }, trx);
      }
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.procedure.create", object: { type: "participation_procedure", id: row.id } }, trx);
    });
    return row;
  }

  async updateProcedure(tenantId: string, id: string, input: ProcedureInput, actor: StaffActor): Promise<void> {
    const p = this.checkProcedure(input);
    await this.ctx.db.tx(async (trx) => {
      const cur = await this.requireProcedure(tenantId, id, trx);
      await this.store.updateProcedure(tenantId, id, { plan_type: p.planType, name: p.name, number: p.number ?? null, area_description: p.areaDescription ?? "", description: p.description ?? "", scope_geojson: p.scopeGeojson === undefined ? cur.scope_geojson : p.scopeGeojson, modified_at: this.now() }, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.procedure.update", object: { type: "participation_procedure", id }, fields: ["plan_type", "name", "number", "area_description", "description"] }, trx);
      if (cur.state !== "entwurf") await this.changed(tenantId, trx);
    });
  }

  async requireProcedure(tenantId: string, id: string, trx?: Kdb): Promise<ProcedureRow> {
    const p = await this.store.procedure(tenantId, id, trx);
    if (!p) throw new ParticipationRuleError("Dieses Verfahren gibt es nicht.");
    return p;
  }

  /** entwurf → laufend (public), laufend → abgeschlossen / eingestellt. */
  async setProcedureState(tenantId: string, id: string, to: "laufend" | "abgeschlossen" | "eingestellt", actor: StaffActor): Promise<void> {
    await this.ctx.db.tx(async (trx) => {
      const p = await this.requireProcedure(tenantId, id, trx);
      const allowed = { laufend: ["entwurf"], abgeschlossen: ["laufend"], eingestellt: ["entwurf", "laufend"] }[to];
      if (!allowed.includes(p.state)) throw new ParticipationRuleError("Dieser Schritt ist im aktuellen Stand des Verfahrens nicht möglich.");
      await this.store.updateProcedure(tenantId, id, { state: to, modified_at: this.now() }, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: `participation.procedure.${to}`, object: { type: "participation_procedure", id } }, trx);
      await this.changed(tenantId, trx);
    });
  }

  // ---- documents ------------------------------------------------------------------------------

  async addDocument(tenantId: string, procedureId: string, d: { kind: DocumentKind; title: string; file?: UploadedFile; url?: string }, actor: StaffActor): Promise<string> {
    if (!(d.kind in DOCUMENT_KINDS)) throw new ParticipationRuleError("Bitte wählen Sie die Art des Dokuments.", "art");
    const title = d.title.trim() || DOCUMENT_KINDS[d.kind];
    let url: string | null = null;
    if (!d.file && d.url?.trim()) {
      try {
        const u = new URL(d.url.trim());
        if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error("protocol");
        url = u.toString();
      } catch {
        throw new ParticipationRuleError("Bitte geben Sie eine vollständige Adresse ein, die mit https:// beginnt.", "url");
      }
    }
    if (!d.file && !url) throw new ParticipationRuleError("Bitte wählen Sie eine PDF-Datei oder geben Sie eine Adresse an.", "datei");
    const id = newId(this.ctx.clock);
    let key: string | null = null;
    if (d.file) {
      if (d.file.truncated || d.file.data.length > MAX_DOCUMENT_BYTES) throw new ParticipationRuleError(`Die Datei ist größer als ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB.`, "datei");
      if (sniffType(d.file.data.subarray(0, 1024))?.mime !== "application/pdf") throw new ParticipationRuleError("Bitte laden Sie eine PDF-Datei hoch. Die gewählte Datei ist keine PDF-Datei.", "datei");
      key = `participation/${tenantId}/documents/${id}.pdf`;
      await this.ctx.storage.put(key, d.file.data);
    }
    try {
      await this.ctx.db.tx(async (trx) => {
        const p = await this.requireProcedure(tenantId, procedureId, trx);
        const position = await this.store.nextDocumentPosition(tenantId, procedureId, trx);
        await this.store.insertDocument({ id, tenant_id: tenantId, procedure_id: procedureId, kind: d.kind, title, storage_key: key, file_name: d.file ? safeFileName(d.file.fileName || `${title}.pdf`) : null, mime_type: d.file ? "application/pdf" : null, size: d.file?.data.length ?? null, url, position, created_at: this.now() }, trx);
        await this.store.updateProcedure(tenantId, procedureId, { modified_at: this.now() }, trx);
        await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.document.add", object: { type: "participation_document", id } }, trx);
        if (p.state !== "entwurf") await this.changed(tenantId, trx);
      });
    } catch (e) {
      if (key) await this.ctx.storage.delete(key);
      throw e;
    }
    return id;
  }

  async removeDocument(tenantId: string, documentId: string, actor: StaffActor): Promise<void> {
    const doc = await this.store.document(tenantId, documentId);
    if (!doc) throw new ParticipationRuleError("Dieses Dokument gibt es nicht.");
    await this.ctx.db.tx(async (trx) => {
      await this.store.deleteDocument(tenantId, documentId, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.document.remove", object: { type: "participation_document", id: documentId } }, trx);
      await this.changed(tenantId, trx);
    });
    if (doc.storage_key) await this.ctx.storage.delete(doc.storage_key);
  }

  // ---- phases ---------------------------------------------------------------------------------

  /**
   * Plans a phase and publishes its announcement at once (the period must begin later): the
   * announcement goes through the publishing module as an official announcement; invited agencies
   * get their personal link by e-mail. The procedure becomes public if it was a draft.
   */
  async schedulePhase(tenantId: string, procedureId: string, input: PhaseInput, actor: StaffActor): Promise<PhaseRow> {
    if (!STAGES.includes(input.stage)) throw new ParticipationRuleError("Bitte wählen Sie die Art der Beteiligung.", "stufe");
    if (!input.publicParticipation && !input.agencyParticipation) throw new ParticipationRuleError("Bitte wählen Sie, wer beteiligt wird: die Öffentlichkeit, die Träger öffentlicher Belange oder beide.", "beteiligte");
    const errors = checkPeriod({ stage: input.stage, start: input.start, end: input.end, today: this.today(), shortenedReason: input.shortenedReason });
    if (Object.keys(errors).length) throw new ParticipationRuleError(Object.values(errors)[0]!, Object.keys(errors)[0], errors);
    const { opensAt, closesAt } = periodInstants(input.start, input.end);
    const tenant = this.tenant(tenantId);
    const now = this.now();
    return this.ctx.db.tx(async (trx) => {
      const proc = await this.requireProcedure(tenantId, procedureId, trx);
      if (proc.state === "abgeschlossen" || proc.state === "eingestellt") throw new ParticipationRuleError("Das Verfahren ist beendet; es kann keine Beteiligung mehr beginnen.");
      const overlapping = (await this.store.phases(tenantId, procedureId, trx)).find((ph) => !ph.cancelled_at && ph.start_date <= input.end && ph.end_date >= input.start);
      if (overlapping) throw new ParticipationRuleError(`In diesem Zeitraum läuft bereits eine Beteiligung (${germanDate(overlapping.start_date)} bis ${germanDate(overlapping.end_date)}).`, "beginn");
      const documents = await this.store.documents(tenantId, procedureId, trx);
      if (documents.length === 0) throw new ParticipationRuleError("Bitte stellen Sie zuerst die Unterlagen des Plans ein (mindestens ein Dokument): Sie werden mit der Bekanntmachung veröffentlicht.");
      const phase: PhaseRow = {
        id: newId(this.ctx.clock),
        tenant_id: tenantId,
        procedure_id: procedureId,
        stage: input.stage,
        public_participation: input.publicParticipation ? 1 : 0,
        agency_participation: input.agencyParticipation ? 1 : 0,
        start_date: input.start,
        end_date: input.end,
        opens_at: opensAt.toISOString(),
        closes_at: closesAt.toISOString(),
        // only a repeated participation (§ 4a Abs. 3) may be shortened
        shortened_reason: input.stage === "erneut" ? input.shortenedReason?.trim() || null : null,
        announcement_text: "",
        announced_at: now,
        opened_processed_at: null,
        closed_processed_at: null,
        reminder_processed_at: null,
        cancelled_at: null,
        created_by: actor.id,
        created_at: now,
        modified_at: now,
      };
      phase.announcement_text = announcementText(tenant, proc, phase, documents.map((d) => d.title), input.place);
      await this.store.insertPhase(phase, trx);
      if (proc.state === "entwurf") await this.store.updateProcedure(tenantId, procedureId, { state: "laufend", modified_at: now }, trx);
      else await this.store.updateProcedure(tenantId, procedureId, { modified_at: now }, trx);
      if (input.agencyParticipation) {
        const agencies = (await this.store.agencies(tenantId, trx)).filter((a) => a.active && (!input.agencyIds || input.agencyIds.includes(a.id)));
        for (const a of agencies) await this.invite(tenant, proc, phase, a.id, a.email, a.name, trx);
      }
      await publishingEvents(this.ctx).raise(
        {
          tenantId,
          type: "participation.phase.announced",
          sourceId: phase.id,
          kind: "announcement",
          title: `Bekanntmachung: ${STAGE_LABELS[phase.stage]} zum ${procedureTitle(proc)}`,
          teaser: `Beteiligung nach ${stageParagraphs(phase.stage, !!phase.public_participation, !!phase.agency_participation)} vom ${germanDate(phase.start_date)} bis ${germanDate(phase.end_date)}.`,
          body: phase.announcement_text,
          link: `/${tenant.slug}/beteiligung/${procedureId}`,
        },
        trx,
      );
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.phase.schedule", object: { type: "participation_phase", id: phase.id } }, trx);
      await this.changed(tenantId, trx);
      return phase;
    });
  }

  /** Invites one more agency to a phase that has agency participation. */
  async inviteAgency(tenantId: string, phaseId: string, agencyId: string, actor: StaffActor): Promise<void> {
    const tenant = this.tenant(tenantId);
    await this.ctx.db.tx(async (trx) => {
      const phase = await this.requirePhase(tenantId, phaseId, trx);
      if (!phase.agency_participation) throw new ParticipationRuleError("An dieser Beteiligung nehmen keine Träger öffentlicher Belange teil.");
      if (phaseState(phase, this.ctx.clock.now()) === "beendet" || phase.cancelled_at) throw new ParticipationRuleError("Die Beteiligung ist beendet.");
      const agency = await this.store.agency(tenantId, agencyId, trx);
      if (!agency) throw new ParticipationRuleError("Diese Behörde gibt es nicht.");
      if ((await this.store.invitations(tenantId, phaseId, trx)).some((i) => i.agency_id === agencyId)) throw new ParticipationRuleError("Diese Behörde ist bereits eingeladen.");
      const proc = await this.requireProcedure(tenantId, phase.procedure_id, trx);
      await this.invite(tenant, proc, phase, agency.id, agency.email, agency.name, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.invitation.create", object: { type: "participation_phase", id: phaseId } }, trx);
    });
  }

  private async invite(tenant: Tenant, proc: ProcedureRow, phase: PhaseRow, agencyId: string, email: string, agencyName: string, trx: Kdb): Promise<void> {
    const token = randomToken(24);
    const id = newId(this.ctx.clock);
    const now = this.now();
    await this.store.insertInvitation({ id, tenant_id: tenant.id, phase_id: phase.id, agency_id: agencyId, token_hash: sha256(token), deadline: phase.end_date, sent_at: now, reminder_sent_at: null, last_statement_at: null, created_at: now }, trx);
    await this.ctx.mail.send(
      {
        tenantId: tenant.id,
        to: email,
        toName: agencyName,
        subject: `Beteiligung der Träger öffentlicher Belange: ${procedureTitle(proc)}`,
        text: [
          "Sehr geehrte Damen und Herren,",
          "",
          `die ${tenant.kind} ${tenant.name} beteiligt Sie nach ${stageParagraphs(phase.stage, false, true)} am ${procedureTitle(proc)}.`,
          `Die Unterlagen sind ab dem ${germanDate(phase.start_date)} im Internet veröffentlicht. Ihre Stellungnahme erbitten wir bis zum ${germanDate(phase.end_date)}.`,
          "",
          "Über Ihren persönlichen Zugang sehen Sie die Unterlagen und geben Ihre Stellungnahme ab:",
          this.url(`/${tenant.slug}/beteiligung/toeb/${token}`),
          "",
          "Bitte geben Sie diesen Link nicht weiter: Er ist nur für Ihre Behörde bestimmt.",
          "",
          "Mit freundlichen Grüßen",
          `${tenant.kind} ${tenant.name}`,
        ].join("\n"),
      },
      trx,
    );
  }

  async requirePhase(tenantId: string, id: string, trx?: Kdb): Promise<PhaseRow> {
    const p = await this.store.phase(tenantId, id, trx);
    if (!p) throw new ParticipationRuleError("Diese Beteiligungsphase gibt es nicht.");
    return p;
  }

  /**
   * A phase that has not begun can be called off: the cancellation is announced through the
   * publishing module like the phase was, and the invited agencies are told by e-mail.
   */
  async cancelPhase(tenantId: string, phaseId: string, actor: StaffActor): Promise<void> {
    const tenant = this.tenant(tenantId);
    await this.ctx.db.tx(async (trx) => {
      const phase = await this.requirePhase(tenantId, phaseId, trx);
      if (phaseState(phase, this.ctx.clock.now()) !== "geplant") throw new ParticipationRuleError("Nur eine Beteiligung, die noch nicht begonnen hat, kann abgesagt werden.");
      await this.store.updatePhase(tenantId, phaseId, { cancelled_at: this.now(), modified_at: this.now() }, trx);
      const proc = await this.requireProcedure(tenantId, phase.procedure_id, trx);
      const what = `${STAGE_LABELS[phase.stage]} zum ${procedureTitle(proc)} vom ${germanDate(phase.start_date)} bis ${germanDate(phase.end_date)}`;
      await publishingEvents(this.ctx).raise(
        { tenantId, type: "participation.phase.cancelled", sourceId: phase.id, kind: "announcement", title: `Bekanntmachung: Beteiligung abgesagt – ${procedureTitle(proc)}`, teaser: `Die angekündigte ${what} findet nicht statt.`, body: `Die bekannt gemachte ${what} findet nicht statt. Ein neuer Termin wird rechtzeitig bekannt gemacht.`, link: `/${tenant.slug}/beteiligung/${proc.id}` },
        trx,
      );
      for (const inv of await this.store.invitations(tenantId, phaseId, trx)) {
        await this.ctx.mail.send({ tenantId, to: inv.agency_email, toName: inv.agency_name, subject: `Abgesagt: Beteiligung zum ${procedureTitle(proc)}`, text: ["Sehr geehrte Damen und Herren,", "", `die ${what} findet nicht statt. Ihr persönlicher Zugang ist damit ungültig. Einen neuen Termin teilen wir Ihnen mit.`, "", "Mit freundlichen Grüßen", `${tenant.kind} ${tenant.name}`].join("\n") }, trx);
      }
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.phase.cancel", object: { type: "participation_phase", id: phaseId } }, trx);
      await this.changed(tenantId, trx);
    });
  }

  /**
   * The phase job (every minute): a phase that opened or closed since the last run raises its
   * publishing event and renews the public pages. Whether statements are taken does not depend on
   * this job: the clock decides at read time.
   */
  async processDuePhases(): Promise<number> {
    const now = this.now();
    let n = 0;
    for (const phase of await this.store.phasesDue(now)) {
      const tenant = this.ctx.tenants.byId(phase.tenant_id);
      if (!tenant) continue;
      await this.ctx.db.tx(async (trx) => {
        const cur = await this.store.phase(phase.tenant_id, phase.id, trx);
        if (!cur || cur.cancelled_at) return;
        const proc = await this.requireProcedure(phase.tenant_id, phase.procedure_id, trx);
        const link = `/${tenant.slug}/beteiligung/${proc.id}`;
        if (cur.opens_at <= now && !cur.opened_processed_at) {
          await this.store.updatePhase(phase.tenant_id, phase.id, { opened_processed_at: now }, trx);
          if (cur.closes_at > now)
            await publishingEvents(this.ctx).raise(
              { tenantId: phase.tenant_id, type: "participation.phase.opened", sourceId: phase.id, kind: "news", title: `Jetzt mitreden: ${procedureTitle(proc)}`, teaser: `Bis zum ${germanDate(cur.end_date)} können Sie online Stellung nehmen.`, body: `${STAGE_LABELS[cur.stage]} nach ${stageParagraphs(cur.stage, !!cur.public_participation, !!cur.agency_participation)}.\nDie Unterlagen und das Formular für Ihre Stellungnahme finden Sie auf der Seite des Verfahrens.`, link },
              trx,
            );
        }
        if (cur.closes_at <= now && !cur.closed_processed_at) {
          await this.store.updatePhase(phase.tenant_id, phase.id, { closed_processed_at: now, opened_processed_at: cur.opened_processed_at ?? now }, trx);
          await publishingEvents(this.ctx).raise(
            { tenantId: phase.tenant_id, type: "participation.phase.closed", sourceId: phase.id, kind: "news", title: `Beteiligung beendet: ${procedureTitle(proc)}`, teaser: `Die Frist für Stellungnahmen endete am ${germanDate(cur.end_date)}. Die Stadt wertet die Stellungnahmen jetzt aus.`, body: "Vielen Dank für Ihre Stellungnahmen. Über das Ergebnis entscheidet der Rat; wer eine Adresse angegeben hat, erhält danach eine Mitteilung.", link },
            trx,
          );
        }
        await this.changed(phase.tenant_id, trx);
      });
      n++;
    }
    return n;
  }

  /** The reminder job (daily): agencies that have not answered get one reminder a week before their deadline. */
  async sendReminders(): Promise<number> {
    const now = this.now();
    const remindFrom = addDays(this.today(), REMINDER_DAYS_BEFORE);
    let n = 0;
    for (const phase of await this.store.phasesForReminder(now, remindFrom)) {
      const tenant = this.ctx.tenants.byId(phase.tenant_id);
      if (!tenant) continue;
      await this.ctx.db.tx(async (trx) => {
        const proc = await this.requireProcedure(phase.tenant_id, phase.procedure_id, trx);
        for (const inv of await this.store.invitations(phase.tenant_id, phase.id, trx)) {
          if (inv.last_statement_at || inv.reminder_sent_at) continue;
          await this.ctx.mail.send(
            {
              tenantId: tenant.id,
              to: inv.agency_email,
              toName: inv.agency_name,
              subject: `Erinnerung: Stellungnahme bis ${germanDate(inv.deadline)} – ${procedureTitle(proc)}`,
              text: [
                "Sehr geehrte Damen und Herren,",
                "",
                `wir erinnern an die Beteiligung zum ${procedureTitle(proc)}. Ihre Stellungnahme erbitten wir bis zum ${germanDate(inv.deadline)}.`,
                "Bitte nutzen Sie den persönlichen Link aus unserer Einladung. Wenn Sie ihn nicht mehr finden, schreiben Sie uns; wir senden Ihnen einen neuen.",
                "",
                "Mit freundlichen Grüßen",
                `${tenant.kind} ${tenant.name}`,
              ].join("\n"),
            },
            trx,
          );
          await this.store.updateInvitation(phase.tenant_id, inv.id, { reminder_sent_at: now }, trx);
          n++;
        }
        await this.store.updatePhase(phase.tenant_id, phase.id, { reminder_processed_at: now }, trx);
      });
    }
    return n;
  }

  // ---- statements -----------------------------------------------------------------------------

  /** The invitation behind an agency's personal link, or undefined. */
  async invitationByToken(tenantId: string, token: string) {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    const inv = await this.store.invitationByTokenHash(tenantId, sha256(token));
    if (!inv) return undefined;
    const agency = await this.store.agency(tenantId, inv.agency_id);
    const phase = await this.store.phase(tenantId, inv.phase_id);
    if (!agency || !phase) return undefined;
    return { invitation: inv, agency, phase };
  }

  /** Checks an upload list; returns German messages per file (empty: all fine). */
  checkAttachments(files: UploadedFile[]): string[] {
    const problems: string[] = [];
    if (files.length > MAX_ATTACHMENTS) problems.push(`Bitte laden Sie höchstens ${MAX_ATTACHMENTS} Dateien hoch.`);
    for (const f of files) {
      const name = f.fileName || "Die Datei";
      if (f.truncated || f.data.length > MAX_ATTACHMENT_BYTES) problems.push(`${name} ist größer als ${MAX_ATTACHMENT_BYTES / 1024 / 1024} MB.`);
      else if (f.data.length === 0) problems.push(`${name} ist leer.`);
      else {
        const mime = sniffType(f.data.subarray(0, 1024))?.mime;
        if (!mime || !ATTACHMENT_TYPES.has(mime)) problems.push(`${name} ist keine PDF-, PNG- oder JPEG-Datei (der Inhalt der Datei passt nicht dazu). Bitte laden Sie nur PDF-Dokumente und Fotos hoch.`);
      }
    }
    return problems;
  }

  /**
   * Takes a statement. Online statements are taken only while the phase is open for the submitter
   * (the public: the phase's period; an agency: its invitation's deadline); after the end only staff
   * can enter one, and it is marked late (verspätet). Everything is written in one transaction;
   * the files are stored first and removed again if the transaction fails.
   */
  async submitStatement(tenantId: string, phaseId: string, input: StatementInput, who: Submitter): Promise<Receipt> {
    const fieldErrors: Record<string, string> = {};
    const text = input.text.replace(/\r\n/g, "\n").trim();
    if (!text) fieldErrors.text = "Bitte schreiben Sie Ihre Stellungnahme.";
    else if (text.length > MAX_STATEMENT_CHARS) fieldErrors.text = `Die Stellungnahme ist zu lang (höchstens ${MAX_STATEMENT_CHARS.toLocaleString("de-DE")} Zeichen). Längere Texte laden Sie bitte als PDF hoch.`;
    const email = input.email?.trim() || null;
    if (email && !isValidAddress(email)) fieldErrors.email = "Bitte geben Sie eine gültige E-Mail-Adresse an, zum Beispiel name@beispiel.de – oder lassen Sie das Feld leer.";
    if (who.kind !== "staff" && !input.consent) fieldErrors.einwilligung = "Bitte bestätigen Sie, dass wir Ihre Stellungnahme für das Verfahren verarbeiten dürfen.";
    if ((input.locationText ?? "").length > 500) fieldErrors.ort = "Die Ortsangabe ist zu lang (höchstens 500 Zeichen).";
    if ((input.documentPage ?? "").length > 40) fieldErrors.seite = "Bitte geben Sie nur die Seite an, zum Beispiel 12.";
    let geo: string | null = null;
    if (input.locationGeojson?.trim()) {
      geo = normaliseLocation(input.locationGeojson);
      if (!geo) fieldErrors.ort = "Der Ort auf der Karte konnte nicht gelesen werden. Bitte beschreiben Sie ihn im Textfeld.";
    }
    const files = input.files ?? [];
    const fileProblems = this.checkAttachments(files);
    if (fileProblems.length) fieldErrors.anlagen = fileProblems.join(" ");
    if (Object.keys(fieldErrors).length) throw new ParticipationRuleError(Object.values(fieldErrors)[0]!, Object.keys(fieldErrors)[0], fieldErrors);

    const now = this.ctx.clock.now();
    const phase = await this.requirePhase(tenantId, phaseId);
    let invitationId: string | null = null;
    let agencyId: string | null = null;
    let source: "oeffentlichkeit" | "toeb" = "oeffentlichkeit";
    let late = false;
    let submittedAt = now.toISOString();
    let submitterEmail = email;
    if (who.kind === "agency") {
      const found = await this.invitationByToken(tenantId, who.invitationToken);
      if (!found || found.phase.id !== phaseId) throw new ParticipationRuleError("Dieser Zugang ist nicht gültig.");
      invitationId = found.invitation.id;
      agencyId = found.agency.id;
      source = "toeb";
      submitterEmail = email ?? found.agency.email;
      const deadlineEnd = periodInstants(found.phase.start_date, found.invitation.deadline).closesAt;
      if (phaseState(phase, now) === "abgesagt") throw new PeriodClosedError("Diese Beteiligung wurde abgesagt.");
      if (now < new Date(phase.opens_at)) throw new PeriodClosedError(`Die Beteiligung beginnt am ${germanDate(phase.start_date)}. Ab dann können Sie hier Ihre Stellungnahme abgeben.`);
      if (now >= deadlineEnd) throw new PeriodClosedError(closedMessage(found.invitation.deadline));
    } else if (who.kind === "staff") {
      source = who.source;
      agencyId = who.source === "toeb" ? (who.agencyId ?? null) : null;
      if (who.source === "toeb" && agencyId && !(await this.store.agency(tenantId, agencyId))) throw new ParticipationRuleError("Diese Behörde gibt es nicht.", "behoerde");
      const received = who.receivedOn;
      if (received > this.today()) throw new ParticipationRuleError("Das Eingangsdatum liegt in der Zukunft.", "eingang");
      late = received > phase.end_date;
      if (received < phase.start_date) throw new ParticipationRuleError(`Das Eingangsdatum liegt vor dem Beginn der Beteiligung am ${germanDate(phase.start_date)}.`, "eingang");
      submittedAt = received === this.today() ? now.toISOString() : periodInstants(received, received).opensAt.toISOString();
    } else {
      if (!phase.public_participation) throw new ParticipationRuleError("An dieser Beteiligung nehmen nur Behörden teil.");
      const state = phaseState(phase, now);
      if (state === "abgesagt") throw new PeriodClosedError("Diese Beteiligung wurde abgesagt.");
      if (state === "geplant") throw new PeriodClosedError(`Die Beteiligung beginnt am ${germanDate(phase.start_date)}. Ab dann können Sie hier Ihre Stellungnahme abgeben.`);
      if (state === "beendet") throw new PeriodClosedError(closedMessage(phase.end_date));
    }
    let accountId: string | null = null;
    if (who.kind === "account") accountId = who.accountId;

    const id = newId(this.ctx.clock);
    const stored: { key: string; row: Parameters<ParticipationStore["insertAttachment"]>[0] }[] = [];
    try {
      for (const f of files) {
        const sniffed = sniffType(f.data.subarray(0, 1024))!;
        const attId = newId(this.ctx.clock);
        const ext = sniffed.mime === "application/pdf" ? "pdf" : sniffed.mime === "image/png" ? "png" : "jpg";
        const key = `participation/${tenantId}/statements/${id}/${attId}.${ext}`;
        await this.ctx.storage.put(key, f.data);
        stored.push({ key, row: { id: attId, tenant_id: tenantId, statement_id: id, file_name: safeFileName(f.fileName || `Anlage.${ext}`), mime_type: sniffed.mime, size: f.data.length, sha1: createHash("sha1").update(f.data).digest("hex"), storage_key: key, created_at: now.toISOString() } });
      }
      const tenant = this.tenant(tenantId);
      const reference = await this.ctx.db.tx(async (trx) => {
        const proc = await this.requireProcedure(tenantId, phase.procedure_id, trx);
        if (proc.state !== "laufend" && who.kind !== "staff") throw new ParticipationRuleError("Dieses Verfahren nimmt keine Stellungnahmen an.");
        if (input.documentId && (await this.store.document(tenantId, input.documentId, trx))?.procedure_id !== phase.procedure_id) throw new ParticipationRuleError("Dieses Dokument gibt es nicht.", "dokument");
        const year = Number(this.today().slice(0, 4));
        const n = await this.store.nextStatementNumber(tenantId, year, trx);
        const reference = `ST-${year}-${String(n).padStart(5, "0")}`;
        const row: StatementRow = {
          id,
          tenant_id: tenantId,
          procedure_id: phase.procedure_id,
          phase_id: phaseId,
          reference,
          source,
          channel: who.kind === "staff" ? "verwaltung" : "online",
          account_id: accountId,
          agency_id: agencyId,
          invitation_id: invitationId,
          submitter_name: input.name?.trim().slice(0, 200) || null,
          submitter_email: submitterEmail,
          submitter_address: who.kind === "staff" ? who.address?.trim().slice(0, 500) || null : null,
          text,
          document_id: input.documentId || null,
          document_page: input.documentPage?.trim() || null,
          location_text: input.locationText?.trim() || null,
          location_geojson: geo,
          consent_at: input.consent ? now.toISOString() : null,
          submitted_at: submittedAt,
          late: late ? 1 : 0,
          entered_by: who.kind === "staff" ? who.actor.id : null,
          status: "neu",
          assignee_id: null,
          group_id: null,
          verdict: null,
          response: "",
          published_text: null,
          weighing_id: null,
          search_text: statementSearchText(reference, text),
          feedback_token_hash: null,
          feedback_sent_at: null,
          created_at: now.toISOString(),
          modified_at: now.toISOString(),
        };
        await this.store.insertStatement(row, trx);
        for (const s of stored) await this.store.insertAttachment(s.row, trx);
        if (invitationId) await this.store.updateInvitation(tenantId, invitationId, { last_statement_at: now.toISOString() }, trx);
        const actor = who.kind === "staff" ? { type: "staff" as const, id: who.actor.id } : who.kind === "account" ? { type: "citizen" as const, id: who.accountId } : { type: "anonymous" as const };
        await this.ctx.audit.record({ tenantId, actor, action: "participation.statement.submit", object: { type: "participation_statement", id }, fields: late ? ["late"] : [] }, trx);
        if (submitterEmail && who.kind !== "staff") {
          await this.ctx.mail.send(
            {
              tenantId,
              to: submitterEmail,
              subject: `Eingangsbestätigung Ihrer Stellungnahme ${reference}`,
              reference,
              text: [
                "Guten Tag,",
                "",
                `vielen Dank für Ihre Stellungnahme zum ${procedureTitle(proc)}. Sie ist am ${formatDate(now)} unter dem Zeichen ${reference} eingegangen.`,
                "Die Stadtplanung prüft alle Stellungnahmen; über die Abwägung entscheidet der Rat. Danach teilen wir Ihnen das Ergebnis für Ihre Stellungnahme mit.",
                "",
                "Mit freundlichen Grüßen",
                `${tenant.kind} ${tenant.name}`,
              ].join("\n"),
            },
            trx,
          );
        }
        return reference;
      });
      return { id, reference, late, submittedAt, email: submitterEmail };
    } catch (e) {
      for (const s of stored) await this.ctx.storage.delete(s.key).catch(() => undefined);
      throw e;
    }
  }

  // ---- processing (the planning office) ----------------------------------------------------------

  async requireStatement(tenantId: string, id: string, trx?: Kdb): Promise<StatementRow> {
    const s = await this.store.statement(tenantId, id, trx);
    if (!s) throw new ParticipationRuleError("Diese Stellungnahme gibt es nicht.");
    return s;
  }

  /** The drafted response with its verdict; "abgewogen" needs both. */
  async saveWeighing(tenantId: string, statementId: string, w: { verdict: Verdict | null; response: string; publishedText?: string | null; topicNames?: string[]; done: boolean }, actor: StaffActor): Promise<void> {
    if (w.verdict && !VERDICTS.includes(w.verdict)) throw new ParticipationRuleError("Bitte wählen Sie ein Votum.", "votum");
    const response = w.response.replace(/\r\n/g, "\n").trim();
    if (response.length > MAX_STATEMENT_CHARS) throw new ParticipationRuleError("Der Abwägungsvorschlag ist zu lang.", "abwaegung");
    if (w.done && (!w.verdict || !response)) throw new ParticipationRuleError(!w.verdict ? "Bitte wählen Sie ein Votum, bevor Sie die Stellungnahme als abgewogen markieren." : "Bitte schreiben Sie den Abwägungsvorschlag, bevor Sie die Stellungnahme als abgewogen markieren.", !w.verdict ? "votum" : "abwaegung");
    await this.ctx.db.tx(async (trx) => {
      const s = await this.requireStatement(tenantId, statementId, trx);
      if (s.weighing_id) throw new ParticipationRuleError("Die Abwägung dieser Stellungnahme ist bereits dem Rat übergeben und kann nicht mehr geändert werden.");
      const published = w.publishedText === undefined ? s.published_text : w.publishedText?.trim() || null;
      await this.store.updateStatement(tenantId, statementId, { verdict: w.verdict, response, published_text: published, status: w.done ? "abgewogen" : response || w.verdict ? "in_bearbeitung" : s.status, modified_at: this.now() }, trx);
      if (w.topicNames) await this.setTopics(tenantId, s, w.topicNames, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.statement.weigh", object: { type: "participation_statement", id: statementId }, fields: ["verdict", "response", ...(w.publishedText !== undefined ? ["published_text"] : []), ...(w.topicNames ? ["topics"] : [])] }, trx);
    });
  }

  private async setTopics(tenantId: string, s: StatementRow, names: string[], trx: Kdb): Promise<void> {
    const clean = [...new Set(names.map((n) => n.trim().slice(0, 80)).filter(Boolean))].slice(0, 20);
    const ids: string[] = [];
    for (const name of clean) {
      let t = await this.store.topicByName(tenantId, s.procedure_id, name, trx);
      if (!t) {
        t = { id: newId(this.ctx.clock), tenant_id: tenantId, procedure_id: s.procedure_id, name };
        await this.store.insertTopic(t, trx);
      }
      ids.push(t.id);
    }
    await this.store.setStatementTopics(tenantId, s.id, ids, trx);
  }

  /** Assigns statements to a member of staff (or to nobody). */
  async assign(tenantId: string, procedureId: string, statementIds: string[], assigneeId: string | null, actor: StaffActor): Promise<number> {
    if (assigneeId) {
      const staff = await this.ctx.accounts.byId(assigneeId);
      if (!staff || !staff.roles.has(tenantId)) throw new ParticipationRuleError("Diese Person gehört nicht zur Verwaltung der Kommune.", "zustaendig");
    }
    return this.ctx.db.tx(async (trx) => {
      const n = await this.store.updateStatements(tenantId, procedureId, statementIds, { assignee_id: assigneeId, modified_at: this.now() }, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.statement.assign", object: { type: "participation_procedure", id: procedureId }, fields: ["assignee_id"] }, trx);
      return n;
    });
  }

  /** Groups similar statements under a title; their weighing can then be written once for all. */
  async group(tenantId: string, procedureId: string, statementIds: string[], title: string, actor: StaffActor): Promise<string> {
    if (statementIds.length < 2) throw new ParticipationRuleError("Bitte wählen Sie mindestens zwei Stellungnahmen, die Sie gruppieren möchten.");
    if (!title.trim()) throw new ParticipationRuleError("Bitte geben Sie der Gruppe einen Titel.", "gruppe");
    const id = newId(this.ctx.clock);
    await this.ctx.db.tx(async (trx) => {
      await this.requireProcedure(tenantId, procedureId, trx);
      await this.store.insertGroup({ id, tenant_id: tenantId, procedure_id: procedureId, title: title.trim().slice(0, 200), created_at: this.now() }, trx);
      const n = await this.store.updateStatements(tenantId, procedureId, statementIds, { group_id: id, modified_at: this.now() }, trx);
      if (n !== new Set(statementIds).size) throw new ParticipationRuleError("Einige der gewählten Stellungnahmen gehören nicht zu diesem Verfahren.");
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.statement.group", object: { type: "participation_procedure", id: procedureId }, fields: ["group_id"] }, trx);
    });
    return id;
  }

  /** Copies a statement's verdict and response to every statement of its group that is not handed over yet. */
  async applyToGroup(tenantId: string, statementId: string, actor: StaffActor): Promise<number> {
    return this.ctx.db.tx(async (trx) => {
      const s = await this.requireStatement(tenantId, statementId, trx);
      if (!s.group_id) throw new ParticipationRuleError("Diese Stellungnahme gehört zu keiner Gruppe.");
      if (!s.verdict || !s.response) throw new ParticipationRuleError("Bitte speichern Sie zuerst Votum und Abwägungsvorschlag dieser Stellungnahme.");
      const members = (await this.store.statementTexts(tenantId, s.procedure_id, trx)).filter((x) => x.group_id === s.group_id && x.id !== s.id).map((x) => x.id);
      let n = 0;
      for (const id of members) {
        const m = await this.store.statement(tenantId, id, trx);
        if (!m || m.weighing_id) continue;
        await this.store.updateStatement(tenantId, id, { verdict: s.verdict, response: s.response, status: s.status, modified_at: this.now() }, trx);
        n++;
      }
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.statement.applyToGroup", object: { type: "participation_statement", id: statementId }, fields: ["verdict", "response"] }, trx);
      return n;
    });
  }

  /**
   * Statements whose text is much like this one's (word sets, Jaccard ≥ 0.6): mass letters and
   * signature lists that the planning office may group. Computed on demand.
   */
  async similar(tenantId: string, statementId: string, limit = 10): Promise<{ id: string; reference: string; score: number }[]> {
    const s = await this.requireStatement(tenantId, statementId);
    const mine = wordSet(s.text);
    if (mine.size < 3) return [];
    const out: { id: string; reference: string; score: number }[] = [];
    for (const o of await this.store.statementTexts(tenantId, s.procedure_id)) {
      if (o.id === s.id) continue;
      const theirs = wordSet(o.text);
      let inter = 0;
      for (const w of mine) if (theirs.has(w)) inter++;
      const score = inter / (mine.size + theirs.size - inter);
      if (score >= 0.6) out.push({ id: o.id, reference: o.reference, score });
    }
    return out.sort((a, b) => b.score - a.score).slice(0, limit);
  }

  async addTextBlock(tenantId: string, title: string, body: string, actor: StaffActor): Promise<string> {
    if (!title.trim()) throw new ParticipationRuleError("Bitte geben Sie dem Textbaustein einen Titel.", "titel");
    if (!body.trim()) throw new ParticipationRuleError("Bitte schreiben Sie den Text des Bausteins.", "text");
    const id = newId(this.ctx.clock);
    await this.ctx.db.tx(async (trx) => {
      await this.store.insertTextBlock({ id, tenant_id: tenantId, title: title.trim().slice(0, 200), body: body.trim().slice(0, 20_000), created_at: this.now() }, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.textBlock.add", object: { type: "participation_text_block", id } }, trx);
    });
    return id;
  }

  async removeTextBlock(tenantId: string, id: string, actor: StaffActor): Promise<void> {
    await this.ctx.db.tx(async (trx) => {
      await this.store.deleteTextBlock(tenantId, id, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.textBlock.remove", object: { type: "participation_text_block", id } }, trx);
    });
  }

  async addAgency(tenantId: string, a: { name: string; email: string; contactName?: string }, actor: StaffActor): Promise<string> {
    if (!a.name.trim()) throw new ParticipationRuleError("Bitte geben Sie den Namen der Behörde ein.", "name");
    if (!isValidAddress(a.email.trim())) throw new ParticipationRuleError("Bitte geben Sie eine gültige E-Mail-Adresse an.", "email");
    const id = newId(this.ctx.clock);
    await this.ctx.db.tx(async (trx) => {
      await this.store.insertAgency({ id, tenant_id: tenantId, name: a.name.trim().slice(0, 300), email: a.email.trim(), contact_name: a.contactName?.trim() || null, active: 1, created_at: this.now() }, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.agency.add", object: { type: "participation_agency", id } }, trx);
    });
    return id;
  }

  /**
   * The town's tile server for a web map on procedure pages: an https URL template with {z}, {x}
   * and {y} (e.g. the state's basemap service). Empty: no web map, only the SVG outline.
   */
  async saveMapSettings(tenantId: string, tileUrlTemplate: string, attribution: string, actor: StaffActor): Promise<void> {
    const url = tileUrlTemplate.trim();
    if (url && (!/^https:\/\/[^\s]+$/.test(url) || !["{z}", "{x}", "{y}"].every((p) => url.includes(p)))) {
      throw new ParticipationRuleError("Bitte geben Sie die Adresse des Kachelservers mit https:// und den Platzhaltern {z}, {x} und {y} an – oder lassen Sie das Feld leer.", "kacheln");
    }
    if (url && !attribution.trim()) throw new ParticipationRuleError("Bitte geben Sie den Quellenvermerk der Karte an (zum Beispiel © GeoBasis-DE / BKG).", "quelle");
    await this.ctx.db.tx(async (trx) => {
      await this.store.saveSettings(tenantId, { tileUrlTemplate: url || null, tileAttribution: attribution.trim() || null }, this.now(), trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.settings.save", object: { type: "tenant", id: tenantId }, fields: ["tile_url_template", "tile_attribution"] }, trx);
      await this.changed(tenantId, trx);
    });
  }

  async setAgencyActive(tenantId: string, id: string, active: boolean, actor: StaffActor): Promise<void> {
    await this.ctx.db.tx(async (trx) => {
      if (!(await this.store.agency(tenantId, id, trx))) throw new ParticipationRuleError("Diese Behörde gibt es nicht.");
      await this.store.updateAgency(tenantId, id, { active: active ? 1 : 0 }, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.agency.update", object: { type: "participation_agency", id }, fields: ["active"] }, trx);
    });
  }
}

/** "Bebauungsplan Nr. 42 „Am Mühlbach“" */
export function procedureTitle(p: Pick<ProcedureRow, "plan_type" | "number" | "name">): string {
  return `${PLAN_TYPES[p.plan_type]}${p.number ? ` Nr. ${p.number}` : ""} „${p.name}“`;
}

function closedMessage(lastDay: string): string {
  return `Die Frist für Stellungnahmen ist am ${germanDate(lastDay)} um 24:00 Uhr abgelaufen. Online nehmen wir keine Stellungnahmen mehr an. Wenn Sie uns dennoch etwas mitteilen möchten, wenden Sie sich bitte an die Stadtplanung: Eine verspätete Stellungnahme kann bei der Beschlussfassung unberücksichtigt bleiben.`;
}

/** The text of the announcement (Bekanntmachung), with the notes the BauGB requires. */
export function announcementText(tenant: Tenant, proc: ProcedureRow, phase: PhaseRow, documentTitles: string[], place?: string): string {
  const who = `${tenant.kind} ${tenant.name}`;
  const lines = [
    `${STAGE_LABELS[phase.stage]} nach ${stageParagraphs(phase.stage, !!phase.public_participation, !!phase.agency_participation)} zum ${procedureTitle(proc)}`,
    "",
    proc.area_description ? `Geltungsbereich: ${proc.area_description}` : "",
    "",
    `Der Entwurf des Plans mit den folgenden Unterlagen wird vom ${germanDate(phase.start_date)} bis einschließlich ${germanDate(phase.end_date)} im Internet veröffentlicht: ${documentTitles.join("; ")}.`,
    `Die Unterlagen sind auf der Seite des Verfahrens im Beteiligungsportal der ${who} abrufbar.`,
    place?.trim() ? `Zusätzlich liegen sie in dieser Zeit öffentlich aus: ${place.trim()}.` : "Auf Verlangen stellt die Stadtplanung die Unterlagen auch auf andere Weise zur Verfügung (zum Beispiel zur Einsicht im Rathaus).",
    "",
    phase.public_participation
      ? "Während dieser Frist kann jede Person eine Stellungnahme abgeben: elektronisch über das Beteiligungsportal, bei Bedarf auch auf anderem Weg (schriftlich oder zur Niederschrift)."
      : "Beteiligt werden die Behörden und sonstigen Träger öffentlicher Belange, deren Aufgabenbereich berührt sein kann.",
    "Nicht fristgerecht abgegebene Stellungnahmen können bei der Beschlussfassung über den Bauleitplan unberücksichtigt bleiben (§ 4a Abs. 5 BauGB).",
    phase.shortened_reason ? `Die Frist ist nach § 4a Abs. 3 BauGB verkürzt: ${phase.shortened_reason}` : "",
    "",
    "Hinweis zum Datenschutz: Die Stellungnahmen werden für das Verfahren verarbeitet (Art. 6 Abs. 1 Buchst. e DSGVO in Verbindung mit § 3 BauGB). Namen und Anschriften werden in der Abwägungstabelle nicht veröffentlicht.",
  ];
  return lines.filter((l, i, all) => !(l === "" && all[i - 1] === "")).join("\n").trim();
}

/** A map location from the statement form: a GeoJSON Point or Polygon in WGS84, re-serialised; null if invalid. */
export function normaliseLocation(raw: string): string | null {
  try {
    const g = JSON.parse(raw) as { type?: string; coordinates?: unknown };
    const okPos = (p: unknown) => Array.isArray(p) && p.length >= 2 && typeof p[0] === "number" && typeof p[1] === "number" && Math.abs(p[0]) <= 180 && Math.abs(p[1]) <= 90;
    if (g.type === "Point" && okPos(g.coordinates)) return JSON.stringify({ type: "Point", coordinates: (g.coordinates as number[]).slice(0, 2) });
    if (g.type === "Polygon" && Array.isArray(g.coordinates) && g.coordinates.length >= 1 && (g.coordinates as unknown[]).every((ring) => Array.isArray(ring) && ring.length >= 4 && ring.length <= 2000 && ring.every(okPos))) {
      return JSON.stringify({ type: "Polygon", coordinates: (g.coordinates as number[][][]).map((r) => r.map((p) => p.slice(0, 2))) });
    }
    return null;
  } catch {
    return null;
  }
}

function wordSet(text: string): Set<string> {
  return new Set(text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 2));
}

export function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const clean = base.normalize("NFC").replace(/[^\p{L}\p{N}._ -]+/gu, "_").replace(/^\.+/, "").slice(0, 120);
  return clean || "datei";
}

export { STAGES, STAGE_LABELS, stageParagraphs };
export type { Stage };
