import { Writable } from "node:stream";
import type { AppContext } from "../../platform/context.js";
import type { Kdb } from "../../platform/db/index.js";
import { newId, randomToken, sha256 } from "../../platform/ids.js";
import { berlinDateTime, formatDate } from "../../platform/clock.js";
import { councilService, type PaperDecision } from "../council/index.js";
import type { WeighingRow as ExportRow, WeighingTable } from "./export/types.js";
import { writeWeighingPdf } from "./export/pdf.js";
import { FEEDBACK_JOB, ParticipationRuleError, ParticipationService, STAGE_LABELS, germanDate, phaseState, procedureTitle, stageParagraphs, type StaffActor } from "./service.js";
import { VERDICTS, type StatementRow, type Verdict } from "./store.js";

/** The bodies that deliberate (Vorberatung) and decide (Entscheidung) the weighing, in order. */
export interface CouncilRoute {
  organizationId: string;
  role: "Vorberatung" | "Entscheidung" | "Kenntnisnahme";
}

const ADDRESS_RE = /\b[\p{Lu}][\p{L}.-]*(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|pfad|steig|chaussee)\s+\d+\s?[a-z]?\b/giu;
const POSTCODE_RE = /\b\d{5}\s+[\p{Lu}][\p{L}-]+/gu;
const EMAIL_RE = /[^\s@<>()]+@[^\s@<>()]+\.[A-Za-z]{2,}/g;
const PHONE_RE = /(?:\+\d{2}|\b0)\d[\d /-]{5,}\d\b/g;

/**
 * The statement text as published (weighing table, council): names, addresses, e-mail addresses
 * and phone numbers of private persons removed. Agencies' statements stay as they are, except
 * e-mail addresses and phone numbers of their staff.
 */
export function anonymise(s: Pick<StatementRow, "text" | "submitter_name" | "source" | "published_text">): string {
  if (s.published_text) return s.published_text;
  let t = s.text.replace(EMAIL_RE, "[E-Mail-Adresse entfernt]").replace(PHONE_RE, "[Telefonnummer entfernt]");
  if (s.source === "toeb") return t;
  t = t.replace(ADDRESS_RE, "[Anschrift entfernt]").replace(POSTCODE_RE, "[Ort entfernt]");
  for (const part of (s.submitter_name ?? "").split(/[\s,]+/).filter((p) => p.length >= 3)) {
    t = t.replace(new RegExp(`\\b${part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`, "giu"), "[Name entfernt]");
  }
  return t;
}

/** Weighing tables, their hand-over to the council, and the feedback after the council's decision. */
export class Weighing {
  constructor(
    private readonly ctx: AppContext,
    private readonly service: ParticipationService,
  ) {}

  private get store() {
    return this.service.store;
  }

  /**
   * The table of a procedure: its statements in order of receipt (rows are read in batches while
   * written). `unbound`: only those not yet handed to the council (a later phase's weighing).
   */
  async table(tenantId: string, procedureId: string, opts: { unbound?: boolean } = {}): Promise<WeighingTable> {
    const proc = await this.service.requireProcedure(tenantId, procedureId);
    const tenant = this.ctx.tenants.byId(tenantId)!;
    const phases = (await this.store.phases(tenantId, procedureId)).filter((p) => !p.cancelled_at);
    const docs = new Map((await this.store.documents(tenantId, procedureId)).map((d) => [d.id, d.title]));
    const byVerdict = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
    let total = 0;
    let late = 0;
    for (const c of await this.store.statementCounts(tenantId, procedureId, opts)) {
      total += c.n;
      if (c.late) late += c.n;
      if (c.verdict && c.verdict in byVerdict) byVerdict[c.verdict as Verdict] += c.n;
    }
    const store = this.store;
    async function* rows(): AsyncGenerator<ExportRow> {
      let position = 0;
      let citizen = 0;
      let batch: (StatementRow & { agency_name: string | null })[] = [];
      const flush = async function* (): AsyncGenerator<ExportRow> {
        const topics = new Map<string, string[]>();
        for (const t of await store.topicsOfStatements(tenantId, batch.map((b) => b.id))) topics.set(t.statement_id, [...(topics.get(t.statement_id) ?? []), t.name]);
        for (const s of batch) {
          position++;
          const agency = s.source === "toeb";
          if (!agency) citizen++;
          const docTitle = s.document_id ? docs.get(s.document_id) : undefined;
          yield {
            position,
            reference: s.reference,
            submitter: agency ? (s.agency_name ?? s.submitter_name ?? "Behörde") : `Bürgerin/Bürger ${citizen}`,
            submitterKind: agency ? "Träger öffentlicher Belange" : "Öffentlichkeit",
            receivedOn: berlinDateTime(new Date(s.submitted_at)).date,
            late: !!s.late,
            documentReference: docTitle ? `${docTitle}${s.document_page ? `, S. ${s.document_page}` : ""}` : s.document_page ? `S. ${s.document_page}` : null,
            topics: topics.get(s.id)?.join(", ") ?? null,
            statement: anonymise(s) + (s.location_text ? `\n[Ort: ${s.location_text}]` : ""),
            response: s.response,
            verdict: s.verdict,
          };
        }
        batch = [];
      };
      for await (const s of store.statementsInOrder(tenantId, procedureId, opts)) {
        batch.push(s);
        if (batch.length >= 200) yield* flush();
      }
      if (batch.length) yield* flush();
    }
    const period = phases.map((p) => `${STAGE_LABELS[p.stage]} nach ${stageParagraphs(p.stage, !!p.public_participation, !!p.agency_participation)}, ${germanDate(p.start_date)} – ${germanDate(p.end_date)}`).join("; ");
    return {
      title: `Abwägungstabelle – ${procedureTitle(proc)}`,
      subtitle: period || "Stellungnahmen",
      municipality: `${tenant.kind} ${tenant.name}`,
      generatedAt: this.ctx.clock.now(),
      summary: { total, byVerdict, late },
      rows: rows(),
    };
  }

  /**
   * Makes the weighing table a file of a new Beschlussvorlage in the council module (a draft for
   * the Sitzungsdienst, with the given Beratungsfolge). Every statement must be weighed, and no
   * phase may still be running. The statements are then bound to this weighing: their weighing can
   * no longer change, and the council's decision on the paper reaches their submitters.
   */
  async handToCouncil(tenantId: string, procedureId: string, route: CouncilRoute[], actor: StaffActor): Promise<{ weighingId: string; paperId: string; paperReference: string }> {
    const proc = await this.service.requireProcedure(tenantId, procedureId);
    if (!route.length || !route.some((r) => r.role === "Entscheidung")) throw new ParticipationRuleError("Bitte wählen Sie das Gremium, das über die Abwägung entscheidet.", "entscheidung");
    const now = this.ctx.clock.now();
    const running = (await this.store.phases(tenantId, procedureId)).find((p) => ["geplant", "offen"].includes(phaseState(p, now)));
    if (running) throw new ParticipationRuleError(`Die Beteiligung läuft noch bis zum ${germanDate(running.end_date)}. Die Abwägung kann erst danach dem Rat übergeben werden.`);
    const counts = await this.store.statementCounts(tenantId, procedureId, { unbound: true });
    const total = counts.reduce((a, c) => a + c.n, 0);
    if (total === 0) throw new ParticipationRuleError("Zu diesem Verfahren gibt es keine Stellungnahmen, die noch nicht dem Rat übergeben sind.");
    const open = counts.filter((c) => c.status !== "abgewogen").reduce((a, c) => a + c.n, 0);
    if (open) throw new ParticipationRuleError(open === 1 ? "Eine Stellungnahme ist noch nicht abgewogen." : `${open} Stellungnahmen sind noch nicht abgewogen.`);
    const pdf = await collect((out) => this.table(tenantId, procedureId, { unbound: true }).then((t) => writeWeighingPdf(t, out)));
    const council = councilService(this.ctx);
    const tenant = this.ctx.tenants.byId(tenantId)!;
    const weighingId = newId(this.ctx.clock);
    return this.ctx.db.tx(async (trx) => {
      const unbound = await this.store.unboundStatementIds(tenantId, procedureId, trx);
      if (unbound.length !== total) throw new ParticipationRuleError("Während der Übergabe sind neue Stellungnahmen eingegangen. Bitte prüfen Sie die Liste und übergeben Sie erneut.");
      const undecided = (await this.store.weighings(tenantId, procedureId, trx)).find((w) => !w.decided_at);
      if (undecided) throw new ParticipationRuleError(`Eine Abwägung liegt dem Rat bereits vor (${undecided.council_paper_reference}). Warten Sie seinen Beschluss ab.`);
      const paper = await council.createPaper(
        tenantId,
        {
          name: `Abwägung der Stellungnahmen zum ${procedureTitle(proc)}`,
          paperType: "Beschlussvorlage",
          bodyText: [
            `Beschlussvorschlag: Die während der Beteiligung eingegangenen Stellungnahmen zum ${procedureTitle(proc)} werden entsprechend der beigefügten Abwägungstabelle abgewogen.`,
            "",
            `Begründung: In der Beteiligung sind ${total} Stellungnahmen eingegangen. Die Verwaltung hat jede Stellungnahme geprüft und einen Abwägungsvorschlag erarbeitet (Anlage: Abwägungstabelle). Die Einsenderinnen und Einsender werden nach dem Beschluss über das Ergebnis unterrichtet (§ 3 Abs. 2 BauGB).`,
          ].join("\n"),
          consultations: route.map((r) => ({ organizationId: r.organizationId, role: r.role })),
        },
        actor,
        trx,
      );
      await council.addFile(tenantId, { ownerType: "paper", ownerId: paper.id, role: "auxiliary", name: "Abwägungstabelle", fileName: `Abwaegungstabelle-${tenant.slug}-${proc.number ?? proc.id.slice(0, 8)}.pdf`, data: pdf }, actor, trx);
      await this.store.insertWeighing({ id: weighingId, tenant_id: tenantId, procedure_id: procedureId, council_paper_id: paper.id, council_paper_reference: paper.reference, statement_count: total, created_by: actor.id, created_at: now.toISOString(), decided_at: null, decision_result: null, feedback_queued_at: null }, trx);
      await this.store.updateStatements(tenantId, procedureId, unbound, { weighing_id: weighingId, modified_at: now.toISOString() }, trx);
      await this.ctx.audit.record({ tenantId, actor: { type: "staff", id: actor.id }, action: "participation.weighing.handToCouncil", object: { type: "participation_weighing", id: weighingId }, fields: ["council_paper_id"] }, trx);
      return { weighingId, paperId: paper.id, paperReference: paper.reference };
    });
  }

  /** The council decided a paper (listener of the council module): if it was our weighing, the submitters are told. */
  async onDecision(d: PaperDecision, trx: Kdb): Promise<void> {
    const w = await this.store.weighingByPaper(d.tenantId, d.paperId, trx);
    if (!w || w.decided_at) return;
    const adopted = d.result === "ungeändert beschlossen" || d.result === "geändert beschlossen";
    await this.store.updateWeighing(d.tenantId, w.id, { decided_at: d.publishedAt, decision_result: d.result, feedback_queued_at: adopted ? d.publishedAt : null }, trx);
    if (adopted) await this.ctx.jobs.enqueue(FEEDBACK_JOB, { tenantId: d.tenantId, weighingId: w.id }, { tenantId: d.tenantId }, trx);
    await this.ctx.audit.record({ tenantId: d.tenantId, actor: { type: "system" }, action: "participation.weighing.decided", object: { type: "participation_weighing", id: w.id }, fields: ["decision_result"] }, trx);
    await this.service.changed(d.tenantId, trx);
  }

  /**
   * The feedback job: every statement of a decided weighing whose submitter left an e-mail address
   * (or the agency's) gets a mail with a personal link to its result; citizens who submitted with
   * their Servicekonto also see the result under "Meine Stellungnahmen". Each statement exactly once
   * (marked in the same transaction as its mail).
   */
  async sendFeedback(tenantId: string, weighingId: string): Promise<number> {
    const tenant = this.ctx.tenants.byId(tenantId);
    const w = await this.store.weighing(tenantId, weighingId);
    if (!tenant || !w?.decided_at) return 0;
    const proc = await this.service.requireProcedure(tenantId, w.procedure_id);
    let n = 0;
    for (;;) {
      const batch = await this.store.statementsAwaitingFeedback(tenantId, weighingId, 50);
      if (!batch.length) return n;
      await this.ctx.db.tx(async (trx) => {
        for (const s of batch) {
          const now = this.ctx.clock.now().toISOString();
          if (!s.submitter_email && !s.account_id) {
            // no address: nothing to send (letters for statements entered from paper are the office's task)
            await this.store.updateStatement(tenantId, s.id, { feedback_sent_at: now }, trx);
            continue;
          }
          const token = randomToken(24);
          await this.store.updateStatement(tenantId, s.id, { feedback_token_hash: sha256(token), feedback_sent_at: now }, trx);
          if (s.submitter_email) {
            await this.ctx.mail.send(
              {
                tenantId,
                to: s.submitter_email,
                subject: `Ergebnis zu Ihrer Stellungnahme ${s.reference}`,
                reference: s.reference,
                text: [
                  "Guten Tag,",
                  "",
                  `der Rat hat über die Abwägung der Stellungnahmen zum ${procedureTitle(proc)} entschieden (Beschluss vom ${formatDate(w.decided_at!)}).`,
                  `Das Ergebnis für Ihre Stellungnahme ${s.reference} finden Sie hier:`,
                  new URL(`/${tenant.slug}/beteiligung/ergebnis/${token}`, this.ctx.config.baseUrl).toString(),
                  "",
                  "Mit freundlichen Grüßen",
                  `${tenant.kind} ${tenant.name}`,
                ].join("\n"),
              },
              trx,
            );
          }
          n++;
        }
      });
    }
  }

  /** What a submitter sees behind the link of the feedback mail. */
  async resultByToken(tenantId: string, token: string) {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    const s = await this.store.statementByFeedbackHash(tenantId, sha256(token));
    if (!s) return undefined;
    return this.resultOf(tenantId, s);
  }

  async resultOf(tenantId: string, s: StatementRow) {
    const w = s.weighing_id ? await this.store.weighing(tenantId, s.weighing_id) : undefined;
    const proc = await this.service.requireProcedure(tenantId, s.procedure_id);
    return { statement: s, procedure: proc, weighing: w?.decided_at ? w : undefined };
  }
}

/** Runs a writer into memory (for the council, which stores files as buffers). */
async function collect(write: (out: Writable) => Promise<void>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      cb();
    },
  });
  await write(out);
  return Buffer.concat(chunks);
}
