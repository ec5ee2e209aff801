import { sql } from "kysely";
import type { Db, Executor } from "../../platform/db/index.js";
import type { Stage } from "./periods.js";

declare module "../../platform/db/schema.js" {
  interface Database {
    participation_procedures: ProcedureRow;
    participation_documents: DocumentRow;
    participation_phases: PhaseRow;
    participation_agencies: AgencyRow;
    participation_invitations: InvitationRow;
    participation_statements: StatementRow;
    participation_attachments: AttachmentRow;
    participation_topics: { id: string; tenant_id: string; procedure_id: string; name: string };
    participation_statement_topics: { tenant_id: string; statement_id: string; topic_id: string };
    participation_groups: { id: string; tenant_id: string; procedure_id: string; title: string; created_at: string };
    participation_text_blocks: TextBlockRow;
    participation_weighings: WeighingRow;
    participation_counters: { tenant_id: string; year: number; next: number };
    participation_settings: { tenant_id: string; tile_url_template: string | null; tile_attribution: string | null; modified_at: string };
  }
}

export type PlanType = "bebauungsplan" | "flaechennutzungsplan" | "aenderung" | "sonstiges";
export type ProcedureState = "entwurf" | "laufend" | "abgeschlossen" | "eingestellt";
export type DocumentKind = "planzeichnung" | "begruendung" | "umweltbericht" | "gutachten" | "sonstiges";
export type StatementSource = "oeffentlichkeit" | "toeb";
export type StatementStatus = "neu" | "in_bearbeitung" | "abgewogen";
/** The weighing's verdict on a statement (labels: export/types.ts VERDICT_LABELS). */
export type Verdict = "beruecksichtigt" | "teilweise" | "nicht_beruecksichtigt" | "kenntnis";
export const VERDICTS: Verdict[] = ["beruecksichtigt", "teilweise", "nicht_beruecksichtigt", "kenntnis"];

export interface ProcedureRow {
  id: string;
  tenant_id: string;
  plan_type: PlanType;
  name: string;
  number: string | null;
  area_description: string;
  description: string;
  scope_geojson: string | null;
  state: ProcedureState;
  xplan_json: string | null;
  xplan_storage_key: string | null;
  created_by: string | null;
  created_at: string;
  modified_at: string;
}

export interface DocumentRow {
  id: string;
  tenant_id: string;
  procedure_id: string;
  kind: DocumentKind;
  title: string;
  storage_key: string | null;
  file_name: string | null;
  mime_type: string | null;
  size: number | null;
  url: string | null;
  position: number;
  created_at: string;
}

export interface PhaseRow {
  id: string;
  tenant_id: string;
  procedure_id: string;
  stage: Stage;
  public_participation: number;
  agency_participation: number;
  start_date: string;
  end_date: string;
  opens_at: string;
  closes_at: string;
  shortened_reason: string | null;
  announcement_text: string;
  announced_at: string | null;
  opened_processed_at: string | null;
  closed_processed_at: string | null;
  reminder_processed_at: string | null;
  cancelled_at: string | null;
  created_by: string | null;
  created_at: string;
  modified_at: string;
}

export interface AgencyRow {
  id: string;
  tenant_id: string;
  name: string;
  email: string;
  contact_name: string | null;
  active: number;
  created_at: string;
}

export interface InvitationRow {
  id: string;
  tenant_id: string;
  phase_id: string;
  agency_id: string;
  token_hash: string;
  deadline: string;
  sent_at: string | null;
  reminder_sent_at: string | null;
  last_statement_at: string | null;
  created_at: string;
}

export interface StatementRow {
  id: string;
  tenant_id: string;
  procedure_id: string;
  phase_id: string;
  reference: string;
  source: StatementSource;
  channel: "online" | "verwaltung";
  account_id: string | null;
  agency_id: string | null;
  invitation_id: string | null;
  submitter_name: string | null;
  submitter_email: string | null;
  submitter_address: string | null;
  text: string;
  document_id: string | null;
  document_page: string | null;
  location_text: string | null;
  location_geojson: string | null;
  consent_at: string | null;
  submitted_at: string;
  late: number;
  entered_by: string | null;
  status: StatementStatus;
  assignee_id: string | null;
  group_id: string | null;
  verdict: Verdict | null;
  response: string;
  published_text: string | null;
  weighing_id: string | null;
  /** reference and text in lower case (migrations.ts statementSearchText), for the text search */
  search_text: string | null;
  feedback_token_hash: string | null;
  feedback_sent_at: string | null;
  created_at: string;
  modified_at: string;
}

export interface AttachmentRow {
  id: string;
  tenant_id: string;
  statement_id: string;
  file_name: string;
  mime_type: string;
  size: number;
  sha1: string;
  storage_key: string;
  created_at: string;
}

export interface TextBlockRow {
  id: string;
  tenant_id: string;
  title: string;
  body: string;
  created_at: string;
}

export interface WeighingRow {
  id: string;
  tenant_id: string;
  procedure_id: string;
  council_paper_id: string | null;
  council_paper_reference: string | null;
  statement_count: number;
  created_by: string | null;
  created_at: string;
  decided_at: string | null;
  decision_result: string | null;
  feedback_queued_at: string | null;
}

/** Filters of the planning office's statement list. */
export interface StatementFilter {
  phaseId?: string;
  status?: StatementStatus;
  source?: StatementSource;
  verdict?: Verdict | "offen";
  assigneeId?: string | "niemand";
  topicId?: string;
  groupId?: string;
  late?: boolean;
  /** words in the text or the reference */
  q?: string;
}

export type StatementListItem = Pick<
  StatementRow,
  "id" | "reference" | "source" | "channel" | "submitter_name" | "agency_id" | "submitted_at" | "late" | "status" | "assignee_id" | "group_id" | "verdict" | "phase_id" | "document_id" | "document_page"
> & { excerpt: string; agency_name: string | null };

/** The module's queries. Every method takes the tenant first. */
export class ParticipationStore {
  constructor(private readonly db: Db) {}

  private get k() {
    return this.db.kysely;
  }

  // ---- procedures -----------------------------------------------------------------------------

  async procedure(tenantId: string, id: string, ex: Executor = this.k): Promise<ProcedureRow | undefined> {
    return ex.selectFrom("participation_procedures").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async procedures(tenantId: string, states?: ProcedureState[], ex: Executor = this.k): Promise<ProcedureRow[]> {
    let q = ex.selectFrom("participation_procedures").selectAll().where("tenant_id", "=", tenantId);
    if (states?.length) q = q.where("state", "in", states);
    return q.orderBy("modified_at", "desc").orderBy("id", "desc").execute();
  }

  async insertProcedure(row: ProcedureRow, ex: Executor): Promise<void> {
    await ex.insertInto("participation_procedures").values(row).execute();
  }

  async updateProcedure(tenantId: string, id: string, set: Partial<Omit<ProcedureRow, "id" | "tenant_id">>, ex: Executor): Promise<void> {
    await ex.updateTable("participation_procedures").set(set).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  // ---- documents ------------------------------------------------------------------------------

  async documents(tenantId: string, procedureId: string, ex: Executor = this.k): Promise<DocumentRow[]> {
    return ex.selectFrom("participation_documents").selectAll().where("tenant_id", "=", tenantId).where("procedure_id", "=", procedureId).orderBy("position").orderBy("id").execute();
  }

  async document(tenantId: string, id: string, ex: Executor = this.k): Promise<DocumentRow | undefined> {
    return ex.selectFrom("participation_documents").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async insertDocument(row: DocumentRow, ex: Executor): Promise<void> {
    await ex.insertInto("participation_documents").values(row).execute();
  }

  async deleteDocument(tenantId: string, id: string, ex: Executor): Promise<void> {
    await ex.deleteFrom("participation_documents").where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  async nextDocumentPosition(tenantId: string, procedureId: string, ex: Executor): Promise<number> {
    const r = await ex.selectFrom("participation_documents").select((eb) => eb.fn.max("position").as("m")).where("tenant_id", "=", tenantId).where("procedure_id", "=", procedureId).executeTakeFirst();
    return Number(r?.m ?? 0) + 1;
  }

  // ---- phases ---------------------------------------------------------------------------------

  async phases(tenantId: string, procedureId: string, ex: Executor = this.k): Promise<PhaseRow[]> {
    return ex.selectFrom("participation_phases").selectAll().where("tenant_id", "=", tenantId).where("procedure_id", "=", procedureId).orderBy("start_date").orderBy("id").execute();
  }

  async phase(tenantId: string, id: string, ex: Executor = this.k): Promise<PhaseRow | undefined> {
    return ex.selectFrom("participation_phases").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  /** Phases of public procedures of a town, not cancelled, that close after `now` (open or coming). */
  async currentPhases(tenantId: string, now: string, ex: Executor = this.k): Promise<(PhaseRow & { procedure_name: string; procedure_number: string | null })[]> {
    return ex
      .selectFrom("participation_phases as ph")
      .innerJoin("participation_procedures as p", (j) => j.onRef("p.id", "=", "ph.procedure_id").onRef("p.tenant_id", "=", "ph.tenant_id"))
      .selectAll("ph")
      .select(["p.name as procedure_name", "p.number as procedure_number"])
      .where("ph.tenant_id", "=", tenantId)
      .where("p.state", "=", "laufend")
      .where("ph.cancelled_at", "is", null)
      .where("ph.closes_at", ">", now)
      .orderBy("ph.opens_at")
      .execute();
  }

  async insertPhase(row: PhaseRow, ex: Executor): Promise<void> {
    await ex.insertInto("participation_phases").values(row).execute();
  }

  async updatePhase(tenantId: string, id: string, set: Partial<Omit<PhaseRow, "id" | "tenant_id">>, ex: Executor): Promise<void> {
    await ex.updateTable("participation_phases").set(set).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  /** Phases (all towns) whose opening or closing has passed and was not processed yet: for the job. */
  async phasesDue(now: string, ex: Executor = this.k): Promise<PhaseRow[]> {
    return ex
      .selectFrom("participation_phases")
      .selectAll()
      .where("cancelled_at", "is", null)
      .where("announced_at", "is not", null)
      .where((eb) => eb.or([eb.and([eb("opens_at", "<=", now), eb("opened_processed_at", "is", null)]), eb.and([eb("closes_at", "<=", now), eb("closed_processed_at", "is", null)])]))
      .limit(100)
      .execute();
  }

  /** Open phases with agencies (all towns) whose reminder time has come and was not processed yet. */
  async phasesForReminder(now: string, remindFrom: string, ex: Executor = this.k): Promise<PhaseRow[]> {
    return ex
      .selectFrom("participation_phases")
      .selectAll()
      .where("cancelled_at", "is", null)
      .where("agency_participation", "=", 1)
      .where("opens_at", "<=", now)
      .where("closes_at", ">", now)
      .where("end_date", "<=", remindFrom)
      .where("reminder_processed_at", "is", null)
      .limit(100)
      .execute();
  }

  // ---- agencies and invitations -----------------------------------------------------------------

  async agencies(tenantId: string, ex: Executor = this.k): Promise<AgencyRow[]> {
    return ex.selectFrom("participation_agencies").selectAll().where("tenant_id", "=", tenantId).orderBy("name").execute();
  }

  async agency(tenantId: string, id: string, ex: Executor = this.k): Promise<AgencyRow | undefined> {
    return ex.selectFrom("participation_agencies").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async insertAgency(row: AgencyRow, ex: Executor): Promise<void> {
    await ex.insertInto("participation_agencies").values(row).execute();
  }

  async updateAgency(tenantId: string, id: string, set: Partial<Pick<AgencyRow, "name" | "email" | "contact_name" | "active">>, ex: Executor): Promise<void> {
    await ex.updateTable("participation_agencies").set(set).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  async invitations(tenantId: string, phaseId: string, ex: Executor = this.k): Promise<(InvitationRow & { agency_name: string; agency_email: string })[]> {
    return ex
      .selectFrom("participation_invitations as i")
      .innerJoin("participation_agencies as a", (j) => j.onRef("a.id", "=", "i.agency_id").onRef("a.tenant_id", "=", "i.tenant_id"))
      .selectAll("i")
      .select(["a.name as agency_name", "a.email as agency_email"])
      .where("i.tenant_id", "=", tenantId)
      .where("i.phase_id", "=", phaseId)
      .orderBy("a.name")
      .execute();
  }

  async invitation(tenantId: string, id: string, ex: Executor = this.k): Promise<InvitationRow | undefined> {
    return ex.selectFrom("participation_invitations").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async invitationByTokenHash(tenantId: string, tokenHash: string, ex: Executor = this.k): Promise<InvitationRow | undefined> {
    return ex.selectFrom("participation_invitations").selectAll().where("tenant_id", "=", tenantId).where("token_hash", "=", tokenHash).executeTakeFirst();
  }

  async insertInvitation(row: InvitationRow, ex: Executor): Promise<void> {
    await ex.insertInto("participation_invitations").values(row).execute();
  }

  async updateInvitation(tenantId: string, id: string, set: Partial<Omit<InvitationRow, "id" | "tenant_id">>, ex: Executor): Promise<void> {
    await ex.updateTable("participation_invitations").set(set).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  // ---- statements -----------------------------------------------------------------------------

  async nextStatementNumber(tenantId: string, year: number, ex: Executor): Promise<number> {
    const row = await ex
      .insertInto("participation_counters")
      .values({ tenant_id: tenantId, year, next: 1 })
      .onConflict((oc) => oc.columns(["tenant_id", "year"]).doUpdateSet((eb) => ({ next: eb("participation_counters.next", "+", 1) })))
      .returning("next")
      .executeTakeFirstOrThrow();
    return Number(row.next);
  }

  async insertStatement(row: StatementRow, ex: Executor): Promise<void> {
    await ex.insertInto("participation_statements").values(row).execute();
  }

  async statement(tenantId: string, id: string, ex: Executor = this.k): Promise<StatementRow | undefined> {
    return ex.selectFrom("participation_statements").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async statementByFeedbackHash(tenantId: string, hash: string, ex: Executor = this.k): Promise<StatementRow | undefined> {
    return ex.selectFrom("participation_statements").selectAll().where("tenant_id", "=", tenantId).where("feedback_token_hash", "=", hash).executeTakeFirst();
  }

  async statementsOfAccount(tenantId: string, accountId: string, ex: Executor = this.k): Promise<StatementRow[]> {
    return ex.selectFrom("participation_statements").selectAll().where("tenant_id", "=", tenantId).where("account_id", "=", accountId).orderBy("submitted_at", "desc").execute();
  }

  async statementsOfInvitation(tenantId: string, invitationId: string, ex: Executor = this.k): Promise<StatementRow[]> {
    return ex.selectFrom("participation_statements").selectAll().where("tenant_id", "=", tenantId).where("invitation_id", "=", invitationId).orderBy("submitted_at").execute();
  }

  async updateStatement(tenantId: string, id: string, set: Partial<Omit<StatementRow, "id" | "tenant_id">>, ex: Executor): Promise<void> {
    await ex.updateTable("participation_statements").set(set).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  async updateStatements(tenantId: string, procedureId: string, ids: string[], set: Partial<Omit<StatementRow, "id" | "tenant_id">>, ex: Executor): Promise<number> {
    if (!ids.length) return 0;
    const r = await ex.updateTable("participation_statements").set(set).where("tenant_id", "=", tenantId).where("procedure_id", "=", procedureId).where("id", "in", ids).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  private filtered(tenantId: string, procedureId: string, f: StatementFilter, ex: Executor) {
    let q = ex.selectFrom("participation_statements as s").where("s.tenant_id", "=", tenantId).where("s.procedure_id", "=", procedureId);
    if (f.phaseId) q = q.where("s.phase_id", "=", f.phaseId);
    if (f.status) q = q.where("s.status", "=", f.status);
    if (f.source) q = q.where("s.source", "=", f.source);
    if (f.verdict === "offen") q = q.where("s.verdict", "is", null);
    else if (f.verdict) q = q.where("s.verdict", "=", f.verdict);
    if (f.assigneeId === "niemand") q = q.where("s.assignee_id", "is", null);
    else if (f.assigneeId) q = q.where("s.assignee_id", "=", f.assigneeId);
    if (f.groupId) q = q.where("s.group_id", "=", f.groupId);
    if (f.late !== undefined) q = q.where("s.late", "=", f.late ? 1 : 0);
    if (f.topicId) {
      const topicId = f.topicId;
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom("participation_statement_topics as t")
            .select("t.statement_id")
            .whereRef("t.statement_id", "=", "s.id")
            .where("t.tenant_id", "=", tenantId)
            .where("t.topic_id", "=", topicId),
        ),
      );
    }
    if (f.q?.trim()) {
      for (const word of f.q.trim().split(/\s+/).slice(0, 5)) {
        const like = `%${word.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q = q.where(sql<boolean>`s.search_text like ${like} escape '\\'`);
      }
    }
    return q;
  }

  /** A page of the planning office's list, oldest first, with the total. */
  async listStatements(tenantId: string, procedureId: string, f: StatementFilter, page: { offset: number; limit: number }, ex: Executor = this.k): Promise<{ total: number; items: StatementListItem[] }> {
    // one scan: the page and the total (a window count); a separate count only for a page past the end
    const rows = await this.filtered(tenantId, procedureId, f, ex)
      .leftJoin("participation_agencies as a", (j) => j.onRef("a.id", "=", "s.agency_id").onRef("a.tenant_id", "=", "s.tenant_id"))
      .select([
        "s.id", "s.reference", "s.source", "s.channel", "s.submitter_name", "s.agency_id", "s.submitted_at", "s.late", "s.status", "s.assignee_id", "s.group_id", "s.verdict", "s.phase_id", "s.document_id", "s.document_page",
        sql<string>`substr(s.text, 1, 240)`.as("excerpt"),
        "a.name as agency_name",
        sql<number>`count(*) over ()`.as("total_count"),
      ])
      .orderBy("s.submitted_at")
      .orderBy("s.id")
      .offset(page.offset)
      .limit(page.limit)
      .execute();
    let total = rows.length ? Number(rows[0]!.total_count) : 0;
    if (!rows.length && page.offset > 0) total = Number((await this.filtered(tenantId, procedureId, f, ex).select((eb) => eb.fn.countAll().as("n")).executeTakeFirst())?.n ?? 0);
    return { total, items: rows.map(({ total_count: _t, ...r }) => r) as StatementListItem[] };
  }

  /** Counts per status and per verdict for the procedure's overview. */
  async statementCounts(tenantId: string, procedureId: string, opts: { unbound?: boolean } = {}, ex: Executor = this.k): Promise<{ status: string; verdict: string | null; late: number; n: number }[]> {
    let q = ex
      .selectFrom("participation_statements")
      .select(["status", "verdict", "late", (eb) => eb.fn.countAll().as("n")])
      .where("tenant_id", "=", tenantId)
      .where("procedure_id", "=", procedureId);
    if (opts.unbound) q = q.where("weighing_id", "is", null);
    const rows = await q
      .groupBy(["status", "verdict", "late"])
      .execute();
    return rows.map((r) => ({ status: r.status, verdict: r.verdict, late: Number(r.late), n: Number(r.n) }));
  }

  /** All statements of a procedure in table order, in batches (keyset), for exports. */
  async *statementsInOrder(tenantId: string, procedureId: string, opts: { unbound?: boolean; batch?: number } = {}, ex: Executor = this.k): AsyncGenerator<StatementRow & { agency_name: string | null }> {
    const batch = opts.batch ?? 200;
    let after: { submitted_at: string; id: string } | null = null;
    for (;;) {
      let q = ex
        .selectFrom("participation_statements as s")
        .leftJoin("participation_agencies as a", (j) => j.onRef("a.id", "=", "s.agency_id").onRef("a.tenant_id", "=", "s.tenant_id"))
        .selectAll("s")
        .select("a.name as agency_name")
        .where("s.tenant_id", "=", tenantId)
        .where("s.procedure_id", "=", procedureId);
      if (opts.unbound) q = q.where("s.weighing_id", "is", null);
      if (after) {
        const a = after;
        q = q.where((eb) => eb.or([eb("s.submitted_at", ">", a.submitted_at), eb.and([eb("s.submitted_at", "=", a.submitted_at), eb("s.id", ">", a.id)])]));
      }
      const rows = await q.orderBy("s.submitted_at").orderBy("s.id").limit(batch).execute();
      for (const r of rows) yield r;
      if (rows.length < batch) return;
      const last = rows[rows.length - 1]!;
      after = { submitted_at: String(last.submitted_at), id: last.id };
    }
  }

  /** Ids of the statements not yet bound to a weighing. */
  async unboundStatementIds(tenantId: string, procedureId: string, ex: Executor = this.k): Promise<string[]> {
    return (await ex.selectFrom("participation_statements").select("id").where("tenant_id", "=", tenantId).where("procedure_id", "=", procedureId).where("weighing_id", "is", null).execute()).map((r) => r.id);
  }

  async statementTexts(tenantId: string, procedureId: string, ex: Executor = this.k): Promise<{ id: string; reference: string; text: string; group_id: string | null }[]> {
    return ex.selectFrom("participation_statements").select(["id", "reference", "text", "group_id"]).where("tenant_id", "=", tenantId).where("procedure_id", "=", procedureId).execute();
  }

  /** Statements of a decided weighing whose submitters were not told yet (for the feedback job). */
  async statementsAwaitingFeedback(tenantId: string, weighingId: string, limit: number, ex: Executor = this.k): Promise<StatementRow[]> {
    return ex
      .selectFrom("participation_statements")
      .selectAll()
      .where("tenant_id", "=", tenantId)
      .where("weighing_id", "=", weighingId)
      .where("feedback_sent_at", "is", null)
      .orderBy("id")
      .limit(limit)
      .execute();
  }

  // ---- attachments ----------------------------------------------------------------------------

  async insertAttachment(row: AttachmentRow, ex: Executor): Promise<void> {
    await ex.insertInto("participation_attachments").values(row).execute();
  }

  async attachments(tenantId: string, statementId: string, ex: Executor = this.k): Promise<AttachmentRow[]> {
    return ex.selectFrom("participation_attachments").selectAll().where("tenant_id", "=", tenantId).where("statement_id", "=", statementId).orderBy("created_at").execute();
  }

  async attachment(tenantId: string, id: string, ex: Executor = this.k): Promise<AttachmentRow | undefined> {
    return ex.selectFrom("participation_attachments").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  // ---- topics, groups, text blocks --------------------------------------------------------------

  async topics(tenantId: string, procedureId: string, ex: Executor = this.k) {
    return ex.selectFrom("participation_topics").selectAll().where("tenant_id", "=", tenantId).where("procedure_id", "=", procedureId).orderBy("name").execute();
  }

  async topicByName(tenantId: string, procedureId: string, name: string, ex: Executor = this.k) {
    return ex.selectFrom("participation_topics").selectAll().where("tenant_id", "=", tenantId).where("procedure_id", "=", procedureId).where("name", "=", name).executeTakeFirst();
  }

  async insertTopic(row: { id: string; tenant_id: string; procedure_id: string; name: string }, ex: Executor): Promise<void> {
    await ex.insertInto("participation_topics").values(row).execute();
  }

  async topicsOfStatements(tenantId: string, statementIds: string[], ex: Executor = this.k): Promise<{ statement_id: string; topic_id: string; name: string }[]> {
    if (!statementIds.length) return [];
    return ex
      .selectFrom("participation_statement_topics as st")
      .innerJoin("participation_topics as t", (j) => j.onRef("t.id", "=", "st.topic_id").onRef("t.tenant_id", "=", "st.tenant_id"))
      .select(["st.statement_id", "st.topic_id", "t.name"])
      .where("st.tenant_id", "=", tenantId)
      .where("st.statement_id", "in", statementIds)
      .orderBy("t.name")
      .execute();
  }

  async setStatementTopics(tenantId: string, statementId: string, topicIds: string[], ex: Executor): Promise<void> {
    await ex.deleteFrom("participation_statement_topics").where("tenant_id", "=", tenantId).where("statement_id", "=", statementId).execute();
    if (topicIds.length) await ex.insertInto("participation_statement_topics").values(topicIds.map((topic_id) => ({ tenant_id: tenantId, statement_id: statementId, topic_id }))).execute();
  }

  async groups(tenantId: string, procedureId: string, ex: Executor = this.k) {
    return ex.selectFrom("participation_groups").selectAll().where("tenant_id", "=", tenantId).where("procedure_id", "=", procedureId).orderBy("created_at").execute();
  }

  async group(tenantId: string, id: string, ex: Executor = this.k) {
    return ex.selectFrom("participation_groups").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async insertGroup(row: { id: string; tenant_id: string; procedure_id: string; title: string; created_at: string }, ex: Executor): Promise<void> {
    await ex.insertInto("participation_groups").values(row).execute();
  }

  async textBlocks(tenantId: string, ex: Executor = this.k): Promise<TextBlockRow[]> {
    return ex.selectFrom("participation_text_blocks").selectAll().where("tenant_id", "=", tenantId).orderBy("title").execute();
  }

  async textBlock(tenantId: string, id: string, ex: Executor = this.k): Promise<TextBlockRow | undefined> {
    return ex.selectFrom("participation_text_blocks").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async insertTextBlock(row: TextBlockRow, ex: Executor): Promise<void> {
    await ex.insertInto("participation_text_blocks").values(row).execute();
  }

  async deleteTextBlock(tenantId: string, id: string, ex: Executor): Promise<void> {
    await ex.deleteFrom("participation_text_blocks").where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }

  // ---- settings -------------------------------------------------------------------------------

  async settings(tenantId: string, ex: Executor = this.k): Promise<{ tileUrlTemplate: string | null; tileAttribution: string | null }> {
    const r = await ex.selectFrom("participation_settings").selectAll().where("tenant_id", "=", tenantId).executeTakeFirst();
    return { tileUrlTemplate: r?.tile_url_template ?? null, tileAttribution: r?.tile_attribution ?? null };
  }

  async saveSettings(tenantId: string, s: { tileUrlTemplate: string | null; tileAttribution: string | null }, now: string, ex: Executor): Promise<void> {
    await ex
      .insertInto("participation_settings")
      .values({ tenant_id: tenantId, tile_url_template: s.tileUrlTemplate, tile_attribution: s.tileAttribution, modified_at: now })
      .onConflict((oc) => oc.column("tenant_id").doUpdateSet({ tile_url_template: s.tileUrlTemplate, tile_attribution: s.tileAttribution, modified_at: now }))
      .execute();
  }

  // ---- weighings ------------------------------------------------------------------------------

  async insertWeighing(row: WeighingRow, ex: Executor): Promise<void> {
    await ex.insertInto("participation_weighings").values(row).execute();
  }

  async weighings(tenantId: string, procedureId: string, ex: Executor = this.k): Promise<WeighingRow[]> {
    return ex.selectFrom("participation_weighings").selectAll().where("tenant_id", "=", tenantId).where("procedure_id", "=", procedureId).orderBy("created_at", "desc").execute();
  }

  async weighingByPaper(tenantId: string, paperId: string, ex: Executor = this.k): Promise<WeighingRow | undefined> {
    return ex.selectFrom("participation_weighings").selectAll().where("tenant_id", "=", tenantId).where("council_paper_id", "=", paperId).executeTakeFirst();
  }

  async weighing(tenantId: string, id: string, ex: Executor = this.k): Promise<WeighingRow | undefined> {
    return ex.selectFrom("participation_weighings").selectAll().where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
  }

  async updateWeighing(tenantId: string, id: string, set: Partial<Omit<WeighingRow, "id" | "tenant_id">>, ex: Executor): Promise<void> {
    await ex.updateTable("participation_weighings").set(set).where("tenant_id", "=", tenantId).where("id", "=", id).execute();
  }
}
