import { PassThrough, type Writable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h, type Child } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { Crumb } from "../../platform/ui/layout.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import { sendPage } from "../../platform/http/pages.js";
import { notFound } from "../../platform/http/errors.js";
import { staffOnly } from "../../platform/auth/guards.js";
import { TENANT_ADMIN_ROLE } from "../../platform/auth/permissions.js";
import { readMultipartForm } from "../../platform/http/multipart.js";
import { parseCalendarDate } from "../../platform/dates.js";
import { CouncilRuleError, councilService } from "../council/index.js";
import type { Participation } from "./index.js";
import { MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES, ParticipationRuleError, STAGE_LABELS, germanDate, phaseState, procedureTitle } from "./service.js";
import { VERDICTS, type PhaseRow, type ProcedureRow, type StatementRow, type StatementStatus, type Verdict } from "./store.js";
import { anonymise, type CouncilRoute } from "./weighing.js";
import type { WeighingTable } from "./export/types.js";
import { writeWeighingPdf } from "./export/pdf.js";
import { writeWeighingOdt } from "./export/odt.js";
import { writeWeighingCsv } from "./export/csv.js";
import { PAGE_SIZE, filterQuery, parseFilter, parsePage, parsePosition } from "./views/processing/filter.js";
import { STATUS_ORDER, planningBase, procedureHref, statementHref, statementsHref, tableHref, textBlocksHref } from "./views/processing/common.js";
import { StatementListPage } from "./views/processing/list.js";
import { StatementPage, type WeighingFormValues } from "./views/processing/statement.js";
import { NewStatementPage, emptyEntry, type EntryValues } from "./views/processing/entry.js";
import { TextBlocksPage } from "./views/processing/text-blocks.js";
import { WeighingTablePage, type BodyRole, type HandedWeighing } from "./views/processing/table.js";
import { feedbackProgress } from "./views/processing/queries.js";

type Form = Record<string, unknown>;
type Query = Record<string, unknown>;
type PP = { Params: { tenant: string; id: string }; Querystring: Query };
type SP = { Params: { tenant: string; id: string; sid: string }; Querystring: Query };

const PLANNING_ROLE = "stadtplanung";
const ID_RE = /^[0-9A-Za-z-]{1,64}$/;
const str = (v: unknown) => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "");
const strings = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === "string");
/** Rule messages that mean "the state has moved on" (409), not "your input is wrong" (422). */
const STALE = /bereits dem Rat übergeben|liegt dem Rat bereits vor|Während der Übergabe/;

const EXPORTS: { ext: "pdf" | "odt" | "csv"; type: string; write: (t: WeighingTable, out: Writable) => Promise<void> }[] = [
  { ext: "pdf", type: "application/pdf", write: writeWeighingPdf },
  { ext: "odt", type: "application/vnd.oasis.opendocument.text", write: writeWeighingOdt },
  { ext: "csv", type: "text/csv; charset=utf-8", write: writeWeighingCsv },
];

const NOTICES: Record<string, string> = {
  zugewiesen: "Die ausgewählten Stellungnahmen sind zugewiesen.",
  gruppiert: "Die Stellungnahmen sind zu einer Gruppe zusammengefasst.",
  entwurf: "Der Entwurf der Abwägung ist gespeichert.",
  abgewogen: "Die Stellungnahme ist als abgewogen gespeichert.",
  erfasst: "Die Stellungnahme ist erfasst.",
  "erfasst-verspaetet": "Die Stellungnahme ist erfasst. Sie ist nach dem Ende der Frist eingegangen und deshalb als „verspätet“ gekennzeichnet.",
  gespeichert: "Der Textbaustein ist gespeichert.",
  entfernt: "Der Textbaustein ist entfernt.",
  uebergeben: "Die Beschlussvorlage mit der Abwägungstabelle ist angelegt; sie liegt dem Sitzungsdienst als Entwurf vor. Die Abwägung der übergebenen Stellungnahmen lässt sich nicht mehr ändern.",
};

/** Attachment header with an ASCII fallback and the real (UTF-8) file name. */
function attachmentHeader(fileName: string): string {
  return `attachment; filename="${fileName.replace(/[^\w.-]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * The planning office's statement processing under /{slug}/verwaltung/beteiligung/{id}/…: the
 * statement list with filters and bulk actions, one statement with its weighing, statements entered
 * from letters, text blocks, the weighing table (exports streamed into the reply) and its hand-over
 * to the council. Thin: parse, authorise, call the service, render.
 */
export function registerProcessingRoutes(app: FastifyInstance, ctx: AppContext, p: Participation): void {
  const guard = staffOnly({ tenant: true, role: PLANNING_ROLE });
  const store = p.service.store;
  const B = "/:tenant/verwaltung/beteiligung";

  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const actor = (req: FastifyRequest) => ({ id: req.staff!.id });
  const csrf = (req: FastifyRequest) => req.session!.csrfToken;
  const notice = (q: Query) => {
    const key = str(q.hinweis);
    if (key === "uebertragen") {
      const n = Number.parseInt(str(q.anzahl), 10) || 0;
      return n === 0 ? "Es gab keine weitere Stellungnahme der Gruppe, auf die die Abwägung übertragen werden konnte." : `Die Abwägung ist auf ${n === 1 ? "eine weitere Stellungnahme" : `${n} weitere Stellungnahmen`} der Gruppe übertragen.`;
    }
    return NOTICES[key];
  };
  const page = (req: FastifyRequest, reply: FastifyReply, t: Tenant, title: string, trail: Crumb[], body: Child, status = 200) =>
    sendPage(ctx, req, reply, { title: status >= 400 ? `Fehler: ${title}` : title, tenant: t, area: "staff", status, breadcrumbs: [{ label: "Verwaltung", href: `/${t.slug}/verwaltung/` }, { label: "Bauleitplanung", href: planningBase(t) }, ...trail] }, body);
  const procCrumbs = (t: Tenant, proc: ProcedureRow, ...rest: Crumb[]): Crumb[] => [{ label: proc.number ? `Nr. ${proc.number} „${proc.name}“` : proc.name, href: procedureHref(t, proc.id) }, ...rest];
  const back = (reply: FastifyReply, url: string) => reply.redirect(url, 303);

  /** Runs a service call; a broken rule comes back as field messages and a status instead of an exception. */
  const attempt = async <T,>(req: FastifyRequest, fallbackField: string, fn: () => Promise<T>, rename: Record<string, string> = {}): Promise<{ ok: true; value: T } | { ok: false; errors: FieldErrors; status: number }> => {
    try {
      return { ok: true, value: await fn() };
    } catch (e) {
      if (!(e instanceof ParticipationRuleError) && !(e instanceof CouncilRuleError)) throw e;
      const raw = e instanceof ParticipationRuleError ? (e.fields ?? { [e.field ?? fallbackField]: e.message }) : { [fallbackField]: e.message };
      const errors = Object.fromEntries(Object.entries(raw).map(([k, v]) => [rename[k] ?? k, v]));
      req.log.info({ rule: e.message, fields: Object.keys(errors), url: req.url }, "participation: change refused by a rule");
      return { ok: false, errors, status: STALE.test(e.message) ? 409 : 422 };
    }
  };

  const procOf = async (req: FastifyRequest<{ Params: { tenant: string; id: string } }>) => {
    const t = tenantOf(req);
    const proc = ID_RE.test(req.params.id) ? await store.procedure(t.id, req.params.id) : undefined;
    if (!proc) throw notFound("Dieses Verfahren");
    return { t, proc };
  };
  const statementOf = async (req: FastifyRequest<{ Params: { tenant: string; id: string; sid: string } }>) => {
    const { t, proc } = await procOf(req);
    const s = ID_RE.test(req.params.sid) ? await store.statement(t.id, req.params.sid) : undefined;
    if (!s || s.procedure_id !== proc.id) throw notFound("Diese Stellungnahme");
    return { t, proc, s };
  };
  const phaseLabel = (ph: PhaseRow) => `${STAGE_LABELS[ph.stage]}, ${germanDate(ph.start_date)} bis ${germanDate(ph.end_date)}`;
  /** The town's staff: names for display, and who can be assigned (planning office and the town's administration). */
  const staffOf = async (t: Tenant) => {
    const all = await ctx.accounts.listForTenant(t.id);
    return {
      names: new Map(all.map((e) => [e.id, e.name])),
      assignable: all.filter((e) => !e.disabled && (e.roles.includes(PLANNING_ROLE) || e.roles.includes(TENANT_ADMIN_ROLE))).map((e) => ({ id: e.id, name: e.name })),
    };
  };

  // ---- statement list ----------------------------------------------------------------------------

  /** One page query, one count, counts per status, and topics for the page only: fast with thousands of statements. */
  const renderList = async (req: FastifyRequest<PP>, reply: FastifyReply, t: Tenant, proc: ProcedureRow, opts: { errors?: FieldErrors; bulk?: { ids: string[]; zuweisen: string; gruppentitel: string }; status?: number } = {}) => {
    const { values, filter } = parseFilter(req.query);
    const pageNo = parsePage(req.query);
    const [list, counts, phases, topics, groups, staff] = await Promise.all([
      store.listStatements(t.id, proc.id, filter, { offset: (pageNo - 1) * PAGE_SIZE, limit: PAGE_SIZE }),
      store.statementCounts(t.id, proc.id),
      store.phases(t.id, proc.id),
      store.topics(t.id, proc.id),
      store.groups(t.id, proc.id),
      staffOf(t),
    ]);
    const topicsOf = new Map<string, string[]>();
    for (const x of await store.topicsOfStatements(t.id, list.items.map((i) => i.id))) topicsOf.set(x.statement_id, [...(topicsOf.get(x.statement_id) ?? []), x.name]);
    const byStatus = Object.fromEntries(STATUS_ORDER.map((s) => [s, 0])) as Record<StatementStatus, number>;
    let all = 0;
    let late = 0;
    for (const c of counts) {
      all += c.n;
      if (c.late) late += c.n;
      if (c.status in byStatus) byStatus[c.status as StatementStatus] += c.n;
    }
    return page(req, reply, t, "Stellungnahmen", procCrumbs(t, proc, { label: "Stellungnahmen" }),
      <StatementListPage tenant={t} procedureId={proc.id} procedureTitle={procedureTitle(proc)} values={values} page={pageNo} total={list.total}
        rows={list.items.map((item) => ({ item, topics: topicsOf.get(item.id) ?? [], assignee: item.assignee_id ? (staff.names.get(item.assignee_id) ?? "unbekannt") : undefined }))}
        counts={{ all, byStatus, late }} phases={phases.filter((ph) => !ph.cancelled_at).map((ph) => ({ id: ph.id, label: phaseLabel(ph) }))}
        topics={topics.map((x) => ({ id: x.id, name: x.name }))} groups={groups.map((g) => ({ id: g.id, title: g.title }))} staff={staff.assignable}
        csrf={csrf(req)} notice={notice(req.query)} errors={opts.errors} bulk={opts.bulk} />, opts.status);
  };

  app.get<PP>(`${B}/:id/stellungnahmen`, { preHandler: guard }, async (req, reply) => {
    const { t, proc } = await procOf(req);
    return renderList(req, reply, t, proc);
  });

  // Bulk actions on the ticked rows; the list's filter and page travel in the action's query string.
  app.post<PP & { Body: Form }>(`${B}/:id/stellungnahmen/sammel`, { preHandler: guard, bodyLimit: 64 * 1024 }, async (req, reply) => {
    const { t, proc } = await procOf(req);
    const body = req.body ?? {};
    const bulk = { ids: [...new Set(strings(body.ids).filter((x) => ID_RE.test(x)))].slice(0, PAGE_SIZE * 2), zuweisen: str(body.zuweisen), gruppentitel: str(body.gruppentitel).slice(0, 200) };
    const aktion = str(body.aktion);
    const { values } = parseFilter(req.query);
    const pageNo = parsePage(req.query);
    const done = (hinweis: string) => back(reply, `${statementsHref(t, proc.id)}${filterQuery(values, { seite: pageNo > 1 ? pageNo : undefined, hinweis })}`);
    if (!bulk.ids.length) return renderList(req, reply, t, proc, { errors: { auswahl: "Bitte wählen Sie mindestens eine Stellungnahme aus." }, bulk, status: 422 });
    if (aktion === "zuweisen") {
      const r = await attempt(req, "auswahl", () => p.service.assign(t.id, proc.id, bulk.ids, bulk.zuweisen || null, actor(req)), { zustaendig: "zuweisen" });
      return r.ok ? done("zugewiesen") : renderList(req, reply, t, proc, { errors: r.errors, bulk, status: r.status });
    }
    if (aktion === "gruppieren") {
      const r = await attempt(req, "auswahl", () => p.service.group(t.id, proc.id, bulk.ids, bulk.gruppentitel, actor(req)), { gruppe: "gruppentitel" });
      return r.ok ? done("gruppiert") : renderList(req, reply, t, proc, { errors: r.errors, bulk, status: r.status });
    }
    return renderList(req, reply, t, proc, { errors: { auswahl: "Bitte wählen Sie, ob Sie die Stellungnahmen gruppieren oder zuweisen möchten." }, bulk, status: 422 });
  });

  // ---- staff entry of a statement (letters, minutes) -----------------------------------------------

  const startedPhases = async (t: Tenant, proc: ProcedureRow) => {
    const now = ctx.clock.now();
    return (await store.phases(t.id, proc.id)).filter((ph) => ["offen", "beendet"].includes(phaseState(ph, now)));
  };
  const renderEntry = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, proc: ProcedureRow, values: EntryValues | undefined, errors: FieldErrors = {}, status = 200) => {
    const [phases, agencies, documents] = await Promise.all([startedPhases(t, proc), store.agencies(t.id), store.documents(t.id, proc.id)]);
    const v = values ?? emptyEntry(phases.at(-1)?.id ?? "", germanDate(p.service.today()));
    return page(req, reply, t, "Stellungnahme erfassen", procCrumbs(t, proc, { label: "Stellungnahmen", href: statementsHref(t, proc.id) }, { label: "Erfassen" }),
      <NewStatementPage tenant={t} procedureId={proc.id} procedureTitle={procedureTitle(proc)} phases={phases.map((ph) => ({ id: ph.id, label: phaseLabel(ph), endDate: ph.end_date }))}
        agencies={agencies.filter((a) => a.active || a.id === v.behoerde).map((a) => ({ id: a.id, name: a.name }))} documents={documents.map((d) => ({ id: d.id, title: d.title }))}
        values={v} errors={errors} csrf={csrf(req)} />, status);
  };

  app.get<PP>(`${B}/:id/stellungnahmen/neu`, { preHandler: guard }, async (req, reply) => {
    const { t, proc } = await procOf(req);
    return renderEntry(req, reply, t, proc, undefined);
  });

  // CSRF is checked by readMultipartForm from the first field; the body limit allows the attachments of one statement.
  app.post<PP>(`${B}/:id/stellungnahmen/neu`, { preHandler: guard, config: { csrf: false }, bodyLimit: MAX_ATTACHMENTS * MAX_ATTACHMENT_BYTES + 1024 * 1024 }, async (req, reply) => {
    const { t, proc } = await procOf(req);
    const { fields, files } = await readMultipartForm(ctx, req, { fileSize: MAX_ATTACHMENT_BYTES, files: MAX_ATTACHMENTS + 1, fields: 30 });
    const f = (k: string, max: number) => str(fields[k]).slice(0, max);
    const values: EntryValues = { phase: f("phase", 64), eingang: f("eingang", 20), herkunft: f("herkunft", 20), behoerde: f("behoerde", 64), name: f("name", 200), anschrift: f("anschrift", 500), email: f("email", 254), dokument: f("dokument", 64), seite: f("seite", 40), ort: f("ort", 500), text: f("text", 60_000) };
    const errors: FieldErrors = {};
    const phases = await startedPhases(t, proc);
    if (!phases.some((ph) => ph.id === values.phase)) errors.phase = "Bitte wählen Sie die Beteiligung, zu der die Stellungnahme gehört.";
    const receivedOn = parseCalendarDate(values.eingang, { minYear: 2000 });
    if (!receivedOn) errors.eingang = "Bitte geben Sie das Eingangsdatum als TT.MM.JJJJ an, zum Beispiel 03.12.2026.";
    if (values.herkunft !== "oeffentlichkeit" && values.herkunft !== "toeb") errors.herkunft = "Bitte wählen Sie, ob die Stellungnahme aus der Öffentlichkeit oder von einer Behörde stammt.";
    if (Object.keys(errors).length) {
      req.log.info({ fields: Object.keys(errors), url: req.url }, "participation: staff entry refused (form)");
      return renderEntry(req, reply, t, proc, values, errors, 422);
    }
    const source = values.herkunft as "oeffentlichkeit" | "toeb";
    const r = await attempt(req, "formular", () =>
      p.service.submitStatement(t.id, values.phase, {
        text: values.text,
        name: values.name,
        email: values.email,
        documentId: values.dokument || null,
        documentPage: values.seite || null,
        locationText: values.ort || null,
        consent: false,
        files: files.filter((x) => x.field === "anlagen").map((x) => ({ fileName: x.fileName, data: x.data, truncated: x.truncated })),
      }, { kind: "staff", actor: actor(req), receivedOn: receivedOn!, source, agencyId: source === "toeb" ? values.behoerde || null : null, address: values.anschrift }),
    );
    if (!r.ok) return renderEntry(req, reply, t, proc, values, r.errors, r.status);
    return back(reply, `${statementHref(t, proc.id, r.value.id)}?hinweis=${r.value.late ? "erfasst-verspaetet" : "erfasst"}`);
  });

  // ---- one statement and its weighing ------------------------------------------------------------

  const renderStatement = async (req: FastifyRequest<SP>, reply: FastifyReply, t: Tenant, proc: ProcedureRow, s: StatementRow, opts: { values?: WeighingFormValues; errors?: FieldErrors; notice?: string; status?: number } = {}) => {
    const { values: fv, filter } = parseFilter(req.query);
    const nr = parsePosition(req.query);
    const [phase, attachments, allTopics, mine, group, textBlocks, staff, similar, doc, agency, weighing, around] = await Promise.all([
      store.phase(t.id, s.phase_id),
      store.attachments(t.id, s.id),
      store.topics(t.id, proc.id),
      store.topicsOfStatements(t.id, [s.id]),
      s.group_id ? store.group(t.id, s.group_id) : undefined,
      store.textBlocks(t.id),
      staffOf(t),
      p.service.similar(t.id, s.id),
      s.document_id ? store.document(t.id, s.document_id) : undefined,
      s.agency_id ? store.agency(t.id, s.agency_id) : undefined,
      s.weighing_id ? store.weighing(t.id, s.weighing_id) : undefined,
      // previous / current / next in the list this page was opened from
      nr !== undefined ? store.listStatements(t.id, proc.id, filter, { offset: Math.max(0, nr - 1), limit: nr > 0 ? 3 : 2 }) : undefined,
    ]);
    const link = (id: string, n: number) => `${statementHref(t, proc.id, id)}${filterQuery(fv, { nr: n })}`;
    let prev: string | undefined;
    let next: string | undefined;
    if (around && nr !== undefined) {
      const items = around.items;
      const at = nr > 0 ? 1 : 0;
      if (items[at]?.id === s.id) {
        if (at === 1 && items[0]) prev = link(items[0].id, nr - 1);
        if (items[at + 1]) next = link(items[at + 1]!.id, nr + 1);
      }
    }
    const listPage = nr !== undefined ? Math.floor(nr / PAGE_SIZE) + 1 : 1;
    const stored = { votum: s.verdict ?? "", abwaegung: s.response, themen: mine.map((x) => x.name).join(", "), veroeffentlichung: anonymise(s), baustein: "" };
    // a locked statement shows what is stored; a refused attempt's text is shown apart
    const values = s.weighing_id ? stored : (opts.values ?? stored);
    const unsaved = s.weighing_id && opts.values && opts.values.abwaegung.trim() !== s.response ? opts.values.abwaegung : undefined;
    return page(req, reply, t, `Stellungnahme ${s.reference}`, procCrumbs(t, proc, { label: "Stellungnahmen", href: statementsHref(t, proc.id) }, { label: s.reference }),
      <StatementPage tenant={t} procedureId={proc.id} procedureTitle={procedureTitle(proc)} s={s} phaseLabel={phase ? phaseLabel(phase) : "–"} agencyName={agency?.name}
        documentTitle={doc?.title} attachments={attachments} allTopics={allTopics.map((x) => x.name)} assignee={s.assignee_id ? (staff.names.get(s.assignee_id) ?? "unbekannt") : undefined}
        group={group ? { id: group.id, title: group.title } : undefined}
        paper={weighing?.council_paper_id ? { id: weighing.council_paper_id, reference: weighing.council_paper_reference ?? "" } : undefined}
        similar={similar} textBlocks={textBlocks} values={values} unsaved={unsaved} errors={opts.errors ?? {}} notice={opts.notice ?? notice(req.query)} csrf={csrf(req)}
        keep={filterQuery(fv, { nr })} nav={{ list: `${statementsHref(t, proc.id)}${filterQuery(fv, { seite: listPage > 1 ? listPage : undefined })}`, prev, next }} />, opts.status);
  };
  /** Back to the statement page after an action, with the list's filter and position and a notice. */
  const backToStatement = (req: FastifyRequest<SP>, reply: FastifyReply, t: Tenant, proc: ProcedureRow, s: StatementRow, extra: Record<string, string | number>) =>
    back(reply, `${statementHref(t, proc.id, s.id)}${filterQuery(parseFilter(req.query).values, { nr: parsePosition(req.query), ...extra })}`);

  app.get<SP>(`${B}/:id/stellungnahmen/:sid`, { preHandler: guard }, async (req, reply) => {
    const { t, proc, s } = await statementOf(req);
    return renderStatement(req, reply, t, proc, s);
  });

  // The weighing form: save as draft, save as weighed, or insert a text block (re-renders, saves nothing).
  app.post<SP & { Body: Form }>(`${B}/:id/stellungnahmen/:sid`, { preHandler: guard, bodyLimit: 512 * 1024 }, async (req, reply) => {
    const { t, proc, s } = await statementOf(req);
    const body = req.body ?? {};
    const values: WeighingFormValues = { votum: str(body.votum).slice(0, 40), abwaegung: str(body.abwaegung).replace(/\r\n/g, "\n").slice(0, 60_000), themen: str(body.themen).slice(0, 1000), veroeffentlichung: str(body.veroeffentlichung).replace(/\r\n/g, "\n").slice(0, 60_000), baustein: str(body.baustein).slice(0, 64) };
    const aktion = str(body.aktion);
    if (aktion === "baustein") {
      const block = ID_RE.test(values.baustein) ? await store.textBlock(t.id, values.baustein) : undefined;
      if (!block) return renderStatement(req, reply, t, proc, s, { values, errors: { baustein: values.baustein ? "Diesen Textbaustein gibt es nicht mehr." : "Bitte wählen Sie einen Textbaustein." }, status: 422 });
      const before = values.abwaegung.trimEnd();
      return renderStatement(req, reply, t, proc, s, { values: { ...values, abwaegung: before ? `${before}\n\n${block.body}` : block.body, baustein: "" }, notice: `Der Textbaustein „${block.title}“ ist in den Abwägungsvorschlag eingefügt. Gespeichert ist noch nichts.` });
    }
    const done = aktion === "abgewogen";
    // An unchanged automatic anonymisation is not stored: the table then always uses the current one.
    const published = values.veroeffentlichung.trim();
    const automatic = anonymise({ ...s, published_text: null }).trim();
    const r = await attempt(req, "abwaegung-formular", () =>
      p.service.saveWeighing(t.id, s.id, {
        verdict: (values.votum || null) as Verdict | null,
        response: values.abwaegung,
        publishedText: !published || published === automatic ? null : published,
        topicNames: values.themen.split(","),
        done,
      }, actor(req)),
    );
    if (!r.ok) return renderStatement(req, reply, t, proc, (await store.statement(t.id, s.id)) ?? s, { values, errors: r.errors, status: r.status });
    return backToStatement(req, reply, t, proc, s, { hinweis: done ? "abgewogen" : "entwurf" });
  });

  // Groups this statement with the ticked similar ones.
  app.post<SP & { Body: Form }>(`${B}/:id/stellungnahmen/:sid/gruppe`, { preHandler: guard, bodyLimit: 64 * 1024 }, async (req, reply) => {
    const { t, proc, s } = await statementOf(req);
    const body = req.body ?? {};
    const ids = [...new Set([s.id, ...strings(body.ids).filter((x) => ID_RE.test(x))])].slice(0, 200);
    const r = await attempt(req, "aehnliche", () => p.service.group(t.id, proc.id, ids, str(body.gruppentitel).slice(0, 200), actor(req)), { gruppe: "gruppentitel" });
    if (!r.ok) return renderStatement(req, reply, t, proc, s, { errors: r.errors, status: r.status });
    return backToStatement(req, reply, t, proc, s, { hinweis: "gruppiert" });
  });

  app.post<SP>(`${B}/:id/stellungnahmen/:sid/gruppe-uebertragen`, { preHandler: guard, bodyLimit: 8 * 1024 }, async (req, reply) => {
    const { t, proc, s } = await statementOf(req);
    const r = await attempt(req, "gruppe-titel", () => p.service.applyToGroup(t.id, s.id, actor(req)));
    if (!r.ok) return renderStatement(req, reply, t, proc, s, { errors: r.errors, status: r.status });
    return backToStatement(req, reply, t, proc, s, { hinweis: "uebertragen", anzahl: r.value });
  });

  app.get<{ Params: { tenant: string; id: string; sid: string; attId: string } }>(`${B}/:id/stellungnahmen/:sid/anlagen/:attId`, { preHandler: guard }, async (req, reply) => {
    const { t, s } = await statementOf(req);
    const att = ID_RE.test(req.params.attId) ? await store.attachment(t.id, req.params.attId) : undefined;
    if (!att || att.statement_id !== s.id) throw notFound("Diese Anlage");
    const file = await ctx.storage.get(att.storage_key);
    return reply.header("cache-control", "private, no-store").header("content-disposition", attachmentHeader(att.file_name)).header("x-content-type-options", "nosniff").type(att.mime_type).send(file);
  });

  // ---- text blocks -------------------------------------------------------------------------------

  const renderTextBlocks = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, values = { titel: "", text: "" }, errors: FieldErrors = {}, status = 200) =>
    page(req, reply, t, "Textbausteine", [{ label: "Textbausteine" }],
      <TextBlocksPage tenant={t} blocks={await store.textBlocks(t.id)} values={values} errors={errors} notice={notice(req.query as Query)} csrf={csrf(req)} />, status);

  app.get<{ Params: { tenant: string }; Querystring: Query }>(`${B}/textbausteine`, { preHandler: guard }, async (req, reply) => renderTextBlocks(req, reply, tenantOf(req)));

  app.post<{ Params: { tenant: string }; Body: Form }>(`${B}/textbausteine`, { preHandler: guard, bodyLimit: 64 * 1024 }, async (req, reply) => {
    const t = tenantOf(req);
    const values = { titel: str(req.body?.titel).slice(0, 200), text: str(req.body?.text).replace(/\r\n/g, "\n").slice(0, 20_000) };
    const r = await attempt(req, "titel", () => p.service.addTextBlock(t.id, values.titel, values.text, actor(req)));
    if (!r.ok) return renderTextBlocks(req, reply, t, values, r.errors, r.status);
    return back(reply, `${textBlocksHref(t)}?hinweis=gespeichert`);
  });

  app.post<{ Params: { tenant: string; blockId: string } }>(`${B}/textbausteine/:blockId/entfernen`, { preHandler: guard, bodyLimit: 8 * 1024 }, async (req, reply) => {
    const t = tenantOf(req);
    if (!ID_RE.test(req.params.blockId) || !(await store.textBlock(t.id, req.params.blockId))) throw notFound("Dieser Textbaustein");
    await p.service.removeTextBlock(t.id, req.params.blockId, actor(req));
    return back(reply, `${textBlocksHref(t)}?hinweis=entfernt`);
  });

  // ---- weighing table, exports, hand-over to the council ------------------------------------------

  /** Default Beratungsfolge: committees for building or planning deliberate, the parliament decides. */
  const defaultRole = (b: { name: string; kind: string }): BodyRole => (b.kind === "parlament" ? "entscheidung" : /Bau|Planung/.test(b.name) ? "vorberatung" : "keine");

  const renderTable = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, proc: ProcedureRow, opts: { roles?: Record<string, BodyRole>; confirmed?: boolean; errors?: FieldErrors; status?: number } = {}) => {
    const council = councilService(ctx);
    const [all, unbound, bodies, weighings] = await Promise.all([store.statementCounts(t.id, proc.id), store.statementCounts(t.id, proc.id, { unbound: true }), council.decidingBodies(t.id), store.weighings(t.id, proc.id)]);
    const byVerdict = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
    let total = 0;
    let late = 0;
    let noVerdict = 0;
    for (const c of all) {
      total += c.n;
      if (c.late) late += c.n;
      if (c.verdict && c.verdict in byVerdict) byVerdict[c.verdict as Verdict] += c.n;
      else noVerdict += c.n;
    }
    const [progress, papers] = await Promise.all([
      feedbackProgress(ctx.db, t.id, weighings.map((w) => w.id)),
      Promise.all(weighings.map((w) => (w.council_paper_id ? council.paperSummary(t.id, w.council_paper_id) : undefined))),
    ]);
    const handed: HandedWeighing[] = weighings.map((w, i) => ({
      id: w.id,
      paperId: w.council_paper_id,
      paperReference: w.council_paper_reference,
      paperName: papers[i]?.name,
      paperState: papers[i]?.state,
      createdAt: w.created_at,
      statementCount: w.statement_count,
      decidedAt: w.decided_at,
      decisionResult: w.decision_result,
      feedback: progress.get(w.id) ?? { sent: 0, total: w.statement_count },
    }));
    return page(req, reply, t, "Abwägungstabelle", procCrumbs(t, proc, { label: "Abwägungstabelle" }),
      <WeighingTablePage tenant={t} procedureId={proc.id} procedureTitle={procedureTitle(proc)}
        summary={{ total, byVerdict, noVerdict, late, unbound: unbound.reduce((a, c) => a + c.n, 0), notWeighed: unbound.filter((c) => c.status !== "abgewogen").reduce((a, c) => a + c.n, 0) }}
        bodies={bodies.map((b) => ({ id: b.id, name: b.name }))} roles={opts.roles ?? Object.fromEntries(bodies.map((b) => [b.id, defaultRole(b)]))} confirmed={opts.confirmed ?? false}
        weighings={handed} errors={opts.errors ?? {}} notice={notice(req.query as Query)} csrf={csrf(req)} />, opts.status);
  };

  app.get<PP>(`${B}/:id/abwaegung`, { preHandler: guard }, async (req, reply) => {
    const { t, proc } = await procOf(req);
    return renderTable(req, reply, t, proc);
  });

  app.post<PP & { Body: Form }>(`${B}/:id/abwaegung`, { preHandler: guard, bodyLimit: 16 * 1024 }, async (req, reply) => {
    const { t, proc } = await procOf(req);
    const body = req.body ?? {};
    const bodies = await councilService(ctx).decidingBodies(t.id);
    const roles = Object.fromEntries(bodies.map((b) => {
      const v = str(body[`rolle-${b.id}`]);
      return [b.id, (v === "vorberatung" || v === "entscheidung" ? v : "keine") as BodyRole];
    }));
    const confirmed = str(body.bestaetigen) === "ja";
    const errors: FieldErrors = {};
    const deciding = bodies.filter((b) => roles[b.id] === "entscheidung");
    if (deciding.length !== 1) errors.entscheidung = deciding.length ? "Bitte wählen Sie genau ein Gremium, das über die Abwägung entscheidet; die anderen beraten vor." : "Bitte wählen Sie das Gremium, das über die Abwägung entscheidet.";
    if (!confirmed) errors.bestaetigen = "Bitte bestätigen Sie, dass Sie die Abwägungstabelle geprüft haben.";
    if (Object.keys(errors).length) {
      req.log.info({ fields: Object.keys(errors), url: req.url }, "participation: hand-over refused (form)");
      return renderTable(req, reply, t, proc, { roles, confirmed, errors, status: 422 });
    }
    const route: CouncilRoute[] = [...bodies.filter((b) => roles[b.id] === "vorberatung").map((b) => ({ organizationId: b.id, role: "Vorberatung" as const })), { organizationId: deciding[0]!.id, role: "Entscheidung" }];
    const r = await attempt(req, "uebergabe", () => p.weighing.handToCouncil(t.id, proc.id, route, actor(req)));
    if (!r.ok) return renderTable(req, reply, t, proc, { roles, confirmed, errors: r.errors, status: r.status });
    return back(reply, `${tableHref(t, proc.id)}?hinweis=uebergeben`);
  });

  // The exports are streamed: the writer writes into the reply as the rows arrive (nothing is buffered whole).
  for (const x of EXPORTS) {
    app.get<PP>(`${B}/:id/abwaegung.${x.ext}`, { preHandler: guard }, async (req, reply) => {
      const { t, proc } = await procOf(req);
      const table = await p.weighing.table(t.id, proc.id);
      const name = `Abwaegungstabelle-${t.slug}-${proc.number ?? proc.id.slice(0, 8)}.${x.ext}`;
      const out = new PassThrough();
      x.write(table, out).catch((e: unknown) => {
        // a browser that cancels the download closes the reply, which ends the writer: not an error of ours
        if (reply.raw.destroyed && !reply.raw.writableFinished) req.log.info({ procedure: proc.id, format: x.ext }, "participation: weighing table download cancelled by the client");
        else req.log.error({ err: e, procedure: proc.id, format: x.ext }, "participation: weighing table export failed while streaming");
      });
      return reply.header("cache-control", "private, no-store").header("content-disposition", attachmentHeader(name)).header("x-content-type-options", "nosniff").type(x.type).send(out);
    });
  }
}
