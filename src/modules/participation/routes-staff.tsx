import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h, type Child } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { Crumb } from "../../platform/ui/layout.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import { sendPage } from "../../platform/http/pages.js";
import { notFound } from "../../platform/http/errors.js";
import { staffOnly } from "../../platform/auth/guards.js";
import { readMultipartForm } from "../../platform/http/multipart.js";
import { parseCalendarDate } from "../../platform/dates.js";
import { UUID_RE } from "../../platform/ids.js";
import { PLANNING_ROLE, type Participation } from "./index.js";
import { registerProcessingRoutes } from "./routes-processing.js";
import { ForeignPlanError, MAX_XPLAN_BYTES, importXPlan } from "./importer.js";
import { MAX_DOCUMENT_BYTES, ParticipationRuleError, STAGES, announcementText, germanDate, phaseState, procedureTitle, type PhaseInput, type ProcedureInput, type Stage } from "./service.js";
import { checkPeriod, minimumLastDay } from "./periods.js";
import type { AgencyRow, DocumentKind, PhaseRow, PlanType, ProcedureRow } from "./store.js";
import { ConfirmPage, procedurePath, staffBase } from "./views/staff/common.js";
import { OverviewPage, type ProcedureSummary } from "./views/staff/overview.js";
import { ProcedureFormPage, XPlanImportPage, emptyProcedureForm, procedureFormOf, type ProcedureFormValues } from "./views/staff/procedure-form.js";
import { ProcedurePage, emptyDocumentForm, type DocumentFormValues, type ProcedurePageData } from "./views/staff/procedure.js";
import { PhaseConfirmPage, PhaseFormPage, emptyPhaseForm, type PhaseFormValues } from "./views/staff/phase-form.js";
import { AgenciesPage, MapSettingsPage, emptyAgencyForm, type AgencyFormValues, type MapFormValues } from "./views/staff/settings.js";

type TP = { Params: { tenant: string } };
type IP = { Params: { tenant: string; id: string } };
type PP = { Params: { tenant: string; id: string; phaseId: string } };
type DP = { Params: { tenant: string; id: string; documentId: string } };
type Form = Record<string, unknown>;

const str = (v: unknown) => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "");
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : []);

/** A refused rule as field errors: all of them when the service names several, else the one at its field (or `fallback`). */
function fieldErrors(e: ParticipationRuleError, fallback: string, known?: string[]): FieldErrors {
  const all = e.fields && Object.keys(e.fields).length ? e.fields : { [e.field ?? fallback]: e.message };
  if (!known) return { ...all };
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(all)) out[known.includes(k) ? k : fallback] ??= v;
  return out;
}

const STATE_TARGETS = {
  veroeffentlichen: { to: "laufend", title: "Verfahren veröffentlichen", button: "Verfahren veröffentlichen", intro: "Das Verfahren erscheint danach mit seinen Angaben und Unterlagen im Beteiligungsportal der Kommune. Eine Beteiligung beginnt damit noch nicht: Stellungnahmen sind erst möglich, wenn Sie eine Beteiligung planen und bekanntmachen." },
  abschliessen: { to: "abgeschlossen", title: "Verfahren abschließen", button: "Verfahren abschließen", intro: "Schließen Sie das Verfahren ab, wenn es beendet ist, zum Beispiel nach dem Satzungsbeschluss. Danach kann keine Beteiligung mehr beginnen; dieser Schritt kann nicht rückgängig gemacht werden." },
  einstellen: { to: "eingestellt", title: "Verfahren einstellen", button: "Verfahren einstellen", intro: "Stellen Sie das Verfahren ein, wenn der Plan nicht weiter verfolgt wird. Danach kann keine Beteiligung mehr beginnen; dieser Schritt kann nicht rückgängig gemacht werden." },
} as const;
type StateTarget = keyof typeof STATE_TARGETS;

const NOTICES: Record<string, string> = {
  angelegt: "Das Verfahren ist angelegt. Es ist ein Entwurf und noch nicht öffentlich.",
  uebernommen: "Das Verfahren ist aus der XPlanGML-Datei übernommen. Bitte prüfen Sie unten, was die Datei enthielt.",
  gespeichert: "Gespeichert.",
  dokument: "Das Dokument ist hinzugefügt.",
  "dokument-entfernt": "Das Dokument ist entfernt.",
  geplant: "Die Beteiligung ist geplant und die Bekanntmachung veröffentlicht.",
  abgesagt: "Die Beteiligung ist abgesagt. Bitte machen Sie die Absage auch bekannt (Redaktion).",
  eingeladen: "Die Behörde ist eingeladen; die E-Mail mit ihrem persönlichen Zugang ist unterwegs.",
  laufend: "Das Verfahren ist veröffentlicht.",
  abgeschlossen: "Das Verfahren ist abgeschlossen.",
  eingestellt: "Das Verfahren ist eingestellt.",
  behoerde: "Die Behörde ist hinzugefügt.",
  aktiviert: "Die Behörde ist wieder aktiv.",
  deaktiviert: "Die Behörde ist deaktiviert.",
  karte: "Die Kartendarstellung ist gespeichert.",
};

/**
 * The planning office's pages under /{slug}/verwaltung/beteiligung: overview, new procedure (by
 * form or from XPlanGML), the procedure page (documents, phases with their announcement and
 * invitations, state), agencies and map settings. Thin: parse, authorise (role stadtplanung),
 * call the service, render. CSRF: the platform's check on every POST; the two uploads read the
 * token from their first multipart field. The statement processing registers its own routes.
 */
export function registerStaffRoutes(app: FastifyInstance, ctx: AppContext, p: Participation): void {
  const service = p.service;
  const store = service.store;
  const guard = staffOnly({ tenant: true, role: PLANNING_ROLE });
  const B = "/:tenant/verwaltung/beteiligung";
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const actor = (req: FastifyRequest) => ({ id: req.staff!.id });
  const csrf = (req: FastifyRequest) => req.session!.csrfToken;
  const crumbs = (t: Tenant, ...rest: Crumb[]): Crumb[] => [{ label: "Verwaltung", href: `/${t.slug}/verwaltung/` }, { label: "Bauleitplanung", href: staffBase(t) }, ...rest];
  const page = (req: FastifyRequest, reply: FastifyReply, t: Tenant, title: string, trail: Crumb[], body: Child, status = 200) =>
    sendPage(ctx, req, reply, { title: status >= 400 ? `Fehler: ${title}` : title, tenant: t, area: "staff", breadcrumbs: crumbs(t, ...trail), status }, body);
  const notice = (q: unknown) => NOTICES[str((q as Form | undefined)?.hinweis)];
  const refused = (req: FastifyRequest, e: ParticipationRuleError, what: string) => req.log.info({ rule: e.message, field: e.field, fields: e.fields ? Object.keys(e.fields) : undefined, url: req.url }, `participation: ${what} refused`);

  const procedureOf = async (req: FastifyRequest<IP>) => {
    const t = tenantOf(req);
    if (!UUID_RE.test(req.params.id)) throw notFound("Dieses Verfahren");
    const proc = await store.procedure(t.id, req.params.id);
    if (!proc) throw notFound("Dieses Verfahren");
    return { t, proc };
  };
  const phaseOf = async (req: FastifyRequest<PP>) => {
    const { t, proc } = await procedureOf(req);
    if (!UUID_RE.test(req.params.phaseId)) throw notFound("Diese Beteiligung");
    const phase = await store.phase(t.id, req.params.phaseId);
    if (!phase || phase.procedure_id !== proc.id) throw notFound("Diese Beteiligung");
    return { t, proc, phase };
  };
  const documentOf = async (req: FastifyRequest<DP>) => {
    const { t, proc } = await procedureOf(req);
    if (!UUID_RE.test(req.params.documentId)) throw notFound("Dieses Dokument");
    const doc = await store.document(t.id, req.params.documentId);
    if (!doc || doc.procedure_id !== proc.id) throw notFound("Dieses Dokument");
    return { t, proc, doc };
  };

  // ---- overview ------------------------------------------------------------------------------

  app.get<TP>(B, { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    const procedures = await store.procedures(t.id);
    const rows: ProcedureSummary[] = [];
    for (const procedure of procedures) {
      const [phases, counts] = await Promise.all([store.phases(t.id, procedure.id), store.statementCounts(t.id, procedure.id)]);
      const weighed = counts.filter((c) => c.status === "abgewogen").reduce((n, c) => n + c.n, 0);
      rows.push({ procedure, phases, weighed, open: counts.reduce((n, c) => n + c.n, 0) - weighed });
    }
    return page(req, reply, t, "Bauleitplanung", [], <OverviewPage tenant={t} rows={rows} now={ctx.clock.now()} notice={notice(req.query)} />);
  });

  // ---- new procedure and edit ----------------------------------------------------------------

  const procedureValues = (body: Form): ProcedureFormValues => ({
    planart: str(body.planart),
    name: str(body.name).slice(0, 1000),
    nummer: str(body.nummer).slice(0, 200),
    gebiet: str(body.gebiet).slice(0, 10_000),
    beschreibung: str(body.beschreibung).slice(0, 100_000),
  });
  /** Lengths the service does not bound (the free texts); the rest it checks itself. */
  const lengthErrors = (v: ProcedureFormValues): FieldErrors => {
    const errors: FieldErrors = {};
    if (v.gebiet.length > 2000) errors.gebiet = "Die Beschreibung des Gebiets ist zu lang (höchstens 2.000 Zeichen).";
    if (v.beschreibung.length > 20_000) errors.beschreibung = "Die Beschreibung des Vorhabens ist zu lang (höchstens 20.000 Zeichen).";
    return errors;
  };
  const procedureInput = (v: ProcedureFormValues): ProcedureInput => ({ planType: v.planart as PlanType, name: v.name, number: v.nummer, areaDescription: v.gebiet, description: v.beschreibung });
  const PROCEDURE_FIELDS = ["planart", "name", "nummer", "gebiet", "beschreibung"];
  const procedureForm = (req: FastifyRequest, reply: FastifyReply, t: Tenant, opts: { proc?: ProcedureRow; values: ProcedureFormValues; errors: FieldErrors; status?: number }) => {
    const title = opts.proc ? `Bearbeiten: ${procedureTitle(opts.proc)}` : "Neues Verfahren";
    const action = opts.proc ? `${procedurePath(t, opts.proc.id)}/bearbeiten` : `${staffBase(t)}/neu`;
    const trail: Crumb[] = opts.proc ? [{ label: procedureTitle(opts.proc), href: procedurePath(t, opts.proc.id) }, { label: "Bearbeiten" }] : [{ label: "Neues Verfahren" }];
    return page(req, reply, t, title, trail, <ProcedureFormPage tenant={t} title={title} action={action} csrf={csrf(req)} values={opts.values} errors={opts.errors} cancelHref={opts.proc ? procedurePath(t, opts.proc.id) : staffBase(t)} button={opts.proc ? "Speichern" : "Verfahren anlegen"} />, opts.status ?? 200);
  };

  app.get<TP>(`${B}/neu`, { preHandler: guard }, async (req, reply) => procedureForm(req, reply, tenantOf(req), { values: emptyProcedureForm(), errors: {} }));

  app.post<TP & { Body: Form }>(`${B}/neu`, { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    const values = procedureValues(req.body ?? {});
    const tooLong = lengthErrors(values);
    try {
      if (Object.keys(tooLong).length) throw new ParticipationRuleError(Object.values(tooLong)[0]!, undefined, tooLong);
      const proc = await service.createProcedure(t.id, procedureInput(values), actor(req));
      return reply.redirect(`${procedurePath(t, proc.id)}?hinweis=angelegt`, 303);
    } catch (e) {
      if (!(e instanceof ParticipationRuleError)) throw e;
      refused(req, e, "new procedure");
      return procedureForm(req, reply, t, { values, errors: { ...fieldErrors(e, "name", PROCEDURE_FIELDS), ...tooLong }, status: 422 });
    }
  });

  app.get<IP>(`${B}/:id/bearbeiten`, { preHandler: guard }, async (req, reply) => {
    const { t, proc } = await procedureOf(req);
    return procedureForm(req, reply, t, { proc, values: procedureFormOf(proc), errors: {} });
  });

  app.post<IP & { Body: Form }>(`${B}/:id/bearbeiten`, { preHandler: guard }, async (req, reply) => {
    const { t, proc } = await procedureOf(req);
    const values = procedureValues(req.body ?? {});
    const tooLong = lengthErrors(values);
    try {
      if (Object.keys(tooLong).length) throw new ParticipationRuleError(Object.values(tooLong)[0]!, undefined, tooLong);
      await service.updateProcedure(t.id, proc.id, procedureInput(values), actor(req));
      return reply.redirect(`${procedurePath(t, proc.id)}?hinweis=gespeichert`, 303);
    } catch (e) {
      if (!(e instanceof ParticipationRuleError)) throw e;
      refused(req, e, "procedure edit");
      return procedureForm(req, reply, t, { proc, values, errors: { ...fieldErrors(e, "name", PROCEDURE_FIELDS), ...tooLong }, status: 422 });
    }
  });

  // ---- XPlanGML import -----------------------------------------------------------------------

  app.get<TP>(`${B}/xplan`, { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    return page(req, reply, t, "Verfahren aus XPlanGML übernehmen", [{ label: "XPlanGML übernehmen" }], <XPlanImportPage tenant={t} csrf={csrf(req)} errors={{}} askConfirmation={false} confirmed={false} />);
  });

  // CSRF is checked by readMultipartForm from the first field (the body is a stream, not parsed before the handler).
  app.post<TP>(`${B}/xplan`, { preHandler: guard, config: { csrf: false }, bodyLimit: MAX_XPLAN_BYTES + 64 * 1024 }, async (req, reply) => {
    const t = tenantOf(req);
    const { fields, files } = await readMultipartForm(ctx, req, { fileSize: MAX_XPLAN_BYTES, files: 1, fields: 5 });
    const file = files.find((f) => f.field === "xplan");
    const confirmed = str(fields.bestaetigen) === "1";
    try {
      const { procedure } = await importXPlan(ctx, service, t.id, { fileName: file?.fileName ?? "", data: file?.data ?? Buffer.alloc(0), truncated: file?.truncated ?? false }, { confirmForeignAgs: confirmed }, actor(req));
      return reply.redirect(`${procedurePath(t, procedure.id)}?hinweis=uebernommen`, 303);
    } catch (e) {
      if (!(e instanceof ParticipationRuleError)) throw e;
      refused(req, e, `XPlanGML import of ${JSON.stringify(file?.fileName ?? "")}`);
      const foreign = e instanceof ForeignPlanError;
      const errors = foreign ? { bestaetigen: e.message } : fieldErrors(e, "xplan", ["xplan", "bestaetigen"]);
      return page(req, reply, t, "Verfahren aus XPlanGML übernehmen", [{ label: "XPlanGML übernehmen" }], <XPlanImportPage tenant={t} csrf={csrf(req)} errors={errors} askConfirmation={foreign || confirmed} confirmed={confirmed} fileName={file?.fileName} />, 422);
    }
  });

  // ---- agencies and map settings (before /:id so the static paths are plain) -----------------

  const agenciesPage = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, values: AgencyFormValues, errors: FieldErrors, status = 200) =>
    page(req, reply, t, "Träger öffentlicher Belange", [{ label: "Träger öffentlicher Belange" }], <AgenciesPage tenant={t} csrf={csrf(req)} agencies={await store.agencies(t.id)} values={values} errors={errors} notice={status === 200 ? notice(req.query) : undefined} />, status);

  app.get<TP>(`${B}/behoerden`, { preHandler: guard }, async (req, reply) => agenciesPage(req, reply, tenantOf(req), emptyAgencyForm(), {}));

  app.post<TP & { Body: Form }>(`${B}/behoerden`, { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    const body = req.body ?? {};
    const values: AgencyFormValues = { name: str(body.name).slice(0, 1000), email: str(body.email).slice(0, 1000), kontakt: str(body.kontakt).slice(0, 1000) };
    try {
      if (values.kontakt.length > 200) throw new ParticipationRuleError("Der Name der Ansprechperson ist zu lang (höchstens 200 Zeichen).", "kontakt");
      await service.addAgency(t.id, { name: values.name, email: values.email, contactName: values.kontakt }, actor(req));
      return reply.redirect(`${staffBase(t)}/behoerden?hinweis=behoerde`, 303);
    } catch (e) {
      if (!(e instanceof ParticipationRuleError)) throw e;
      refused(req, e, "new agency");
      return agenciesPage(req, reply, t, values, fieldErrors(e, "name", ["name", "email", "kontakt"]), 422);
    }
  });

  app.post<{ Params: { tenant: string; agencyId: string }; Body: Form }>(`${B}/behoerden/:agencyId/aktiv`, { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    if (!UUID_RE.test(req.params.agencyId) || !(await store.agency(t.id, req.params.agencyId))) throw notFound("Diese Behörde");
    const active = str(req.body?.aktiv) === "1";
    await service.setAgencyActive(t.id, req.params.agencyId, active, actor(req));
    return reply.redirect(`${staffBase(t)}/behoerden?hinweis=${active ? "aktiviert" : "deaktiviert"}`, 303);
  });

  const mapPage = (req: FastifyRequest, reply: FastifyReply, t: Tenant, values: MapFormValues, errors: FieldErrors, status = 200) =>
    page(req, reply, t, "Kartendarstellung", [{ label: "Kartendarstellung" }], <MapSettingsPage tenant={t} csrf={csrf(req)} values={values} errors={errors} notice={status === 200 ? notice(req.query) : undefined} />, status);

  app.get<TP>(`${B}/karte`, { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    const s = await store.settings(t.id);
    return mapPage(req, reply, t, { kacheln: s.tileUrlTemplate ?? "", quelle: s.tileAttribution ?? "" }, {});
  });

  app.post<TP & { Body: Form }>(`${B}/karte`, { preHandler: guard }, async (req, reply) => {
    const t = tenantOf(req);
    const values: MapFormValues = { kacheln: str(req.body?.kacheln).slice(0, 2000), quelle: str(req.body?.quelle).slice(0, 2000) };
    try {
      if (values.kacheln.length > 500) throw new ParticipationRuleError("Die Adresse ist zu lang (höchstens 500 Zeichen).", "kacheln");
      if (values.quelle.length > 300) throw new ParticipationRuleError("Der Quellenvermerk ist zu lang (höchstens 300 Zeichen).", "quelle");
      await service.saveMapSettings(t.id, values.kacheln, values.quelle, actor(req));
      return reply.redirect(`${staffBase(t)}/karte?hinweis=karte`, 303);
    } catch (e) {
      if (!(e instanceof ParticipationRuleError)) throw e;
      refused(req, e, "map settings");
      return mapPage(req, reply, t, values, fieldErrors(e, "kacheln", ["kacheln", "quelle"]), 422);
    }
  });

  // ---- the procedure page --------------------------------------------------------------------

  const pageData = async (t: Tenant, proc: ProcedureRow): Promise<ProcedurePageData> => {
    const now = ctx.clock.now();
    const [documents, phases, agencies, counts] = await Promise.all([store.documents(t.id, proc.id), store.phases(t.id, proc.id), store.agencies(t.id), store.statementCounts(t.id, proc.id)]);
    const phaseViews = [];
    for (const phase of phases) phaseViews.push({ phase, state: phaseState(phase, now), invitations: phase.agency_participation ? await store.invitations(t.id, phase.id) : [] });
    const sum = (f: (c: (typeof counts)[number]) => boolean) => counts.filter(f).reduce((n, c) => n + c.n, 0);
    return {
      procedure: proc,
      documents,
      phases: phaseViews,
      agencies,
      statements: { total: sum(() => true), neu: sum((c) => c.status === "neu"), inBearbeitung: sum((c) => c.status === "in_bearbeitung"), abgewogen: sum((c) => c.status === "abgewogen"), late: sum((c) => c.late === 1) },
    };
  };
  const procedurePage = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, proc: ProcedureRow, opts: { errors?: FieldErrors; documentForm?: DocumentFormValues; status?: number } = {}) => {
    const status = opts.status ?? 200;
    const fresh = (await store.procedure(t.id, proc.id)) ?? proc;
    const body = <ProcedurePage tenant={t} data={await pageData(t, fresh)} csrf={csrf(req)} notice={status === 200 ? notice(req.query) : undefined} errors={opts.errors ?? {}} documentForm={opts.documentForm ?? emptyDocumentForm()} />;
    return page(req, reply, t, procedureTitle(fresh), [{ label: procedureTitle(fresh) }], body, status);
  };

  app.get<IP>(`${B}/:id`, { preHandler: guard }, async (req, reply) => {
    const { t, proc } = await procedureOf(req);
    return procedurePage(req, reply, t, proc);
  });

  // ---- documents -----------------------------------------------------------------------------

  // CSRF is checked by readMultipartForm from the first field.
  app.post<IP>(`${B}/:id/dokumente`, { preHandler: guard, config: { csrf: false }, bodyLimit: MAX_DOCUMENT_BYTES + 64 * 1024 }, async (req, reply) => {
    const { t, proc } = await procedureOf(req);
    const { fields, files } = await readMultipartForm(ctx, req, { fileSize: MAX_DOCUMENT_BYTES, files: 1, fields: 10 });
    const file = files.find((f) => f.field === "datei");
    const values: DocumentFormValues = { art: str(fields.art), titel: str(fields.titel).slice(0, 1000), url: str(fields.url).slice(0, 4000) };
    try {
      if (values.titel.length > 300) throw new ParticipationRuleError("Der Titel ist zu lang (höchstens 300 Zeichen).", "titel");
      if (file && values.url.trim()) throw new ParticipationRuleError("Bitte geben Sie entweder eine Datei oder eine Adresse an, nicht beides.", "url");
      if (values.url.length > 2000) throw new ParticipationRuleError("Die Adresse ist zu lang (höchstens 2.000 Zeichen).", "url");
      await service.addDocument(t.id, proc.id, { kind: values.art as DocumentKind, title: values.titel, ...(file ? { file: { fileName: file.fileName, data: file.data, truncated: file.truncated } } : {}), url: values.url }, actor(req));
      return reply.redirect(`${procedurePath(t, proc.id)}?hinweis=dokument`, 303);
    } catch (e) {
      if (!(e instanceof ParticipationRuleError)) throw e;
      refused(req, e, "document upload");
      return procedurePage(req, reply, t, proc, { errors: fieldErrors(e, "datei", ["art", "titel", "datei", "url"]), documentForm: values, status: 422 });
    }
  });

  app.get<DP>(`${B}/:id/dokumente/:documentId`, { preHandler: guard }, async (req, reply) => {
    const { doc } = await documentOf(req);
    if (!doc.storage_key) return reply.redirect(doc.url ?? procedurePath(tenantOf(req), doc.procedure_id), 303);
    const name = doc.file_name ?? "dokument.pdf";
    return reply
      .header("cache-control", "private, no-store")
      .header("content-disposition", `attachment; filename="${name.replace(/[^\w.-]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .header("x-content-type-options", "nosniff")
      .type("application/pdf")
      .send(await ctx.storage.get(doc.storage_key));
  });

  app.post<DP>(`${B}/:id/dokumente/:documentId/entfernen`, { preHandler: guard }, async (req, reply) => {
    const { t, proc, doc } = await documentOf(req);
    try {
      await service.removeDocument(t.id, doc.id, actor(req));
      return reply.redirect(`${procedurePath(t, proc.id)}?hinweis=dokument-entfernt`, 303);
    } catch (e) {
      if (!(e instanceof ParticipationRuleError)) throw e;
      refused(req, e, "document removal");
      return procedurePage(req, reply, t, proc, { errors: { dokumente: e.message }, status: 422 });
    }
  });

  // ---- phases: plan (form → deadline hint → confirmation with the announcement → schedule) ----

  const phaseValues = (body: Form): PhaseFormValues => ({
    stufe: str(body.stufe),
    oeffentlichkeit: str(body.oeffentlichkeit) === "1",
    behoerden: str(body.behoerden) === "1",
    beginn: str(body.beginn).trim().slice(0, 40),
    ende: str(body.ende).trim().slice(0, 40),
    verkuerzung: str(body.verkuerzung).slice(0, 4000),
    ort: str(body.ort).slice(0, 1000),
    behoerde: list(body.behoerde).filter((id) => UUID_RE.test(id)).slice(0, 1000),
  });
  const isStage = (s: string): s is Stage => (STAGES as string[]).includes(s);
  const typedDay = (raw: string) => parseCalendarDate(raw, { minYear: 2000, maxYear: 2200 });

  /** The statutory earliest last day for the chosen stage and first day, as a hint at the "last day" field. */
  const deadlineHint = (v: PhaseFormValues): string | undefined => {
    const start = typedDay(v.beginn);
    if (!isStage(v.stufe) || !start) return undefined;
    const min = minimumLastDay(v.stufe, start);
    if (!min) return `Für die frühzeitige Beteiligung schreibt das Gesetz keine Mindestfrist vor; die Frist muss angemessen sein (erster Tag ${germanDate(start)}).`;
    const rule = `Bei Beginn am ${germanDate(start)} ist der früheste zulässige letzte Tag der ${germanDate(min)} (ein Monat, mindestens 30 Tage, § 3 Abs. 2 BauGB).`;
    return v.stufe === "erneut" ? `${rule} Eine kürzere Frist ist nach § 4a Abs. 3 BauGB nur mit Begründung möglich.` : rule;
  };

  /** Parses and checks the form like schedulePhase will (dates, stage, participants, period), so the confirmation shows only a lawful phase. */
  const checkPhase = (v: PhaseFormValues, agencies: AgencyRow[], documents: number): { input?: PhaseInput; errors: FieldErrors } => {
    const errors: FieldErrors = {};
    if (!isStage(v.stufe)) errors.stufe = "Bitte wählen Sie die Art der Beteiligung.";
    if (!v.oeffentlichkeit && !v.behoerden) errors.beteiligte = "Bitte wählen Sie, wer beteiligt wird: die Öffentlichkeit, die Träger öffentlicher Belange oder beide.";
    const start = typedDay(v.beginn);
    const end = typedDay(v.ende);
    if (!start) errors.beginn = v.beginn ? "Bitte geben Sie den ersten Tag als TT.MM.JJJJ an, zum Beispiel 01.12.2026." : "Bitte geben Sie den ersten Tag der Frist an.";
    if (!end) errors.ende = v.ende ? "Bitte geben Sie den letzten Tag als TT.MM.JJJJ an, zum Beispiel 31.12.2026." : "Bitte geben Sie den letzten Tag der Frist an.";
    const invited = agencies.filter((a) => a.active && v.behoerde.includes(a.id));
    if (v.behoerden && invited.length === 0) {
      errors.behoerde = agencies.some((a) => a.active)
        ? "Bitte wählen Sie mindestens eine Behörde, die eingeladen wird – oder beteiligen Sie nur die Öffentlichkeit."
        : "Es sind keine aktiven Träger öffentlicher Belange angelegt. Bitte legen Sie sie zuerst an – oder beteiligen Sie nur die Öffentlichkeit.";
    }
    if (v.verkuerzung.length > 2000) errors.verkuerzung = "Die Begründung ist zu lang (höchstens 2.000 Zeichen).";
    if (v.ort.length > 500) errors.ort = "Die Angabe ist zu lang (höchstens 500 Zeichen).";
    if (documents === 0) errors.beteiligung = "Bitte stellen Sie zuerst die Unterlagen des Plans ein (mindestens ein Dokument auf der Seite des Verfahrens): Sie werden mit der Bekanntmachung veröffentlicht.";
    const shortenedReason = v.stufe === "erneut" ? v.verkuerzung.trim() || null : null;
    if (isStage(v.stufe) && start && end) for (const [k, m] of Object.entries(checkPeriod({ stage: v.stufe, start, end, today: service.today(), shortenedReason }))) errors[k] ??= m;
    if (Object.keys(errors).length || !isStage(v.stufe) || !start || !end) return { errors };
    return { errors, input: { stage: v.stufe, publicParticipation: v.oeffentlichkeit, agencyParticipation: v.behoerden, start, end, shortenedReason, agencyIds: v.behoerden ? invited.map((a) => a.id) : [], place: v.ort.trim() } };
  };

  const phaseForm = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, proc: ProcedureRow, values: PhaseFormValues | undefined, errors: FieldErrors, status = 200) => {
    const agencies = await store.agencies(t.id);
    const v = values ?? emptyPhaseForm(agencies);
    return page(req, reply, t, "Beteiligung planen", [{ label: procedureTitle(proc), href: procedurePath(t, proc.id) }, { label: "Beteiligung planen" }], <PhaseFormPage tenant={t} procedure={proc} csrf={csrf(req)} values={v} errors={errors} agencies={agencies} deadlineHint={deadlineHint(v)} />, status);
  };

  app.get<IP>(`${B}/:id/phasen/neu`, { preHandler: guard }, async (req, reply) => {
    const { t, proc } = await procedureOf(req);
    return phaseForm(req, reply, t, proc, undefined, {});
  });

  app.post<IP & { Body: Form }>(`${B}/:id/phasen/neu`, { preHandler: guard }, async (req, reply) => {
    const { t, proc } = await procedureOf(req);
    const body = req.body ?? {};
    const v = phaseValues(body);
    const step = str(body._aktion);
    if (step === "frist" || step === "aendern") {
      // Recalculate the hint only; a date that cannot be read is said at once.
      const errors: FieldErrors = {};
      if (v.beginn && !typedDay(v.beginn)) errors.beginn = "Bitte geben Sie den ersten Tag als TT.MM.JJJJ an, zum Beispiel 01.12.2026.";
      return phaseForm(req, reply, t, proc, v, errors, Object.keys(errors).length ? 422 : 200);
    }
    const [agencies, documents] = await Promise.all([store.agencies(t.id), store.documents(t.id, proc.id)]);
    const { input, errors } = checkPhase(v, agencies, documents.length);
    if (!input) {
      req.log.info({ fields: Object.keys(errors), url: req.url }, "participation: phase refused (bad input)");
      return phaseForm(req, reply, t, proc, v, errors, 422);
    }
    if (step === "veroeffentlichen") {
      try {
        await service.schedulePhase(t.id, proc.id, input, actor(req));
        return reply.redirect(`${procedurePath(t, proc.id)}?hinweis=geplant`, 303);
      } catch (e) {
        if (!(e instanceof ParticipationRuleError)) throw e;
        refused(req, e, "phase");
        return phaseForm(req, reply, t, proc, v, fieldErrors(e, "beteiligung", ["stufe", "beteiligte", "beginn", "ende", "verkuerzung", "ort", "behoerde"]), 422);
      }
    }
    // The confirmation: the announcement exactly as it will be published.
    const draft: PhaseRow = {
      id: "", tenant_id: t.id, procedure_id: proc.id, stage: input.stage, public_participation: input.publicParticipation ? 1 : 0, agency_participation: input.agencyParticipation ? 1 : 0,
      start_date: input.start, end_date: input.end, opens_at: "", closes_at: "", shortened_reason: input.shortenedReason ?? null, announcement_text: "", announced_at: null,
      opened_processed_at: null, closed_processed_at: null, reminder_processed_at: null, cancelled_at: null, created_by: null, created_at: "", modified_at: "",
    };
    const text = announcementText(t, proc, draft, documents.map((d) => d.title), input.place);
    const invited = agencies.filter((a) => input.agencyIds?.includes(a.id));
    return page(req, reply, t, "Bekanntmachung prüfen", [{ label: procedureTitle(proc), href: procedurePath(t, proc.id) }, { label: "Bekanntmachung prüfen" }],
      <PhaseConfirmPage tenant={t} procedure={proc} csrf={csrf(req)} values={v} announcement={text} period={`${germanDate(input.start)}, 0:00 Uhr, bis ${germanDate(input.end)}, 24:00 Uhr`} invited={invited} />);
  });

  // ---- phases: cancel, invite one more agency -----------------------------------------------

  app.get<PP>(`${B}/:id/phasen/:phaseId/absagen`, { preHandler: guard }, async (req, reply) => {
    const { t, proc, phase } = await phaseOf(req);
    const base = procedurePath(t, proc.id);
    return page(req, reply, t, "Beteiligung absagen", [{ label: procedureTitle(proc), href: base }, { label: "Beteiligung absagen" }],
      <ConfirmPage title="Beteiligung absagen" intro={`Die Beteiligung vom ${germanDate(phase.start_date)} bis ${germanDate(phase.end_date)} findet dann nicht statt; Stellungnahmen dazu sind nicht mehr möglich. Die veröffentlichte Bekanntmachung bleibt stehen: Bitte machen Sie die Absage über die Redaktion bekannt und informieren Sie eingeladene Behörden.`} action={`${base}/phasen/${phase.id}/absagen`} csrf={csrf(req)} button="Beteiligung absagen" cancelHref={base} />);
  });

  app.post<PP>(`${B}/:id/phasen/:phaseId/absagen`, { preHandler: guard }, async (req, reply) => {
    const { t, proc, phase } = await phaseOf(req);
    try {
      await service.cancelPhase(t.id, phase.id, actor(req));
      return reply.redirect(`${procedurePath(t, proc.id)}?hinweis=abgesagt`, 303);
    } catch (e) {
      if (!(e instanceof ParticipationRuleError)) throw e;
      refused(req, e, "phase cancellation");
      return procedurePage(req, reply, t, proc, { errors: { phasen: e.message }, status: 422 });
    }
  });

  app.post<PP & { Body: Form }>(`${B}/:id/phasen/:phaseId/einladen`, { preHandler: guard }, async (req, reply) => {
    const { t, proc, phase } = await phaseOf(req);
    const field = `einladen-${phase.id}`;
    const agencyId = str(req.body?.[field]);
    try {
      if (!UUID_RE.test(agencyId)) throw new ParticipationRuleError("Bitte wählen Sie die Behörde, die Sie einladen möchten.", field);
      await service.inviteAgency(t.id, phase.id, agencyId, actor(req));
      return reply.redirect(`${procedurePath(t, proc.id)}?hinweis=eingeladen`, 303);
    } catch (e) {
      if (!(e instanceof ParticipationRuleError)) throw e;
      refused(req, e, "invitation");
      return procedurePage(req, reply, t, proc, { errors: { [field]: e.message }, status: 422 });
    }
  });

  // ---- state of the procedure (each behind a confirmation) ------------------------------------

  const targetOf = (raw: string): StateTarget => {
    if (!Object.hasOwn(STATE_TARGETS, raw)) throw notFound("Diese Seite");
    return raw as StateTarget;
  };

  app.get<IP & { Params: { ziel: string } }>(`${B}/:id/stand/:ziel`, { preHandler: guard }, async (req, reply) => {
    const { t, proc } = await procedureOf(req);
    const target = STATE_TARGETS[targetOf(req.params.ziel)];
    const base = procedurePath(t, proc.id);
    const now = ctx.clock.now();
    const running = (await store.phases(t.id, proc.id)).filter((ph) => ["geplant", "offen"].includes(phaseState(ph, now)));
    return page(req, reply, t, target.title, [{ label: procedureTitle(proc), href: base }, { label: target.title }],
      <ConfirmPage title={`${target.title}: ${procedureTitle(proc)}`} intro={target.intro} action={`${base}/stand/${req.params.ziel}`} csrf={csrf(req)} button={target.button} cancelHref={base}>
        {running.length && target.to !== "laufend" ? (
          <div className="kern-alert kern-alert--warning" role="status">
            <div className="kern-alert__body">
              <p className="kern-body">Achtung: {running.map((ph) => `die Beteiligung vom ${germanDate(ph.start_date)} bis ${germanDate(ph.end_date)} ${phaseState(ph, now) === "offen" ? "läuft noch" : "ist geplant"}`).join("; ")}.</p>
            </div>
          </div>
        ) : null}
      </ConfirmPage>);
  });

  app.post<IP & { Params: { ziel: string } }>(`${B}/:id/stand/:ziel`, { preHandler: guard }, async (req, reply) => {
    const { t, proc } = await procedureOf(req);
    const target = STATE_TARGETS[targetOf(req.params.ziel)];
    try {
      if (target.to === "laufend" && (await store.phases(t.id, proc.id)).length) throw new ParticipationRuleError("Ein Verfahren mit geplanter Beteiligung wird mit deren Bekanntmachung veröffentlicht.", "aktionen");
      await service.setProcedureState(t.id, proc.id, target.to, actor(req));
      return reply.redirect(`${procedurePath(t, proc.id)}?hinweis=${target.to}`, 303);
    } catch (e) {
      if (!(e instanceof ParticipationRuleError)) throw e;
      refused(req, e, "state change");
      return procedurePage(req, reply, t, proc, { errors: { aktionen: e.message }, status: 409 });
    }
  });

  registerProcessingRoutes(app, ctx, p);
}
