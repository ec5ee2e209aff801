import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { Crumb } from "../../platform/ui/layout.js";
import type { FieldErrors } from "../../platform/ui/forms.js";
import { sendCachedPage, sendPage } from "../../platform/http/pages.js";
import { HttpError, notFound } from "../../platform/http/errors.js";
import { csrfToken } from "../../platform/http/csrf.js";
import { readMultipartForm } from "../../platform/http/multipart.js";
import { citizenOf, citizenOnly } from "../../platform/auth/citizen.js";
import { UUID_RE } from "../../platform/ids.js";
import { identityService } from "../identity/index.js";
import type { Participation } from "./index.js";
import { MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES, ParticipationRuleError, PeriodClosedError, germanDate, phaseState, procedureTitle, type Receipt, type Submitter } from "./service.js";
import { periodInstants } from "./periods.js";
import type { DocumentRow, PhaseRow, ProcedureRow, WeighingRow } from "./store.js";
import { ScopeOutline, tileOrigin, type TileSource } from "./scope-svg.js";
import { EMPTY_VALUES, isPublicProcedure, msToNextBoundary, openPublicPhase, valuesFrom, type StatementValues } from "./views/public/model.js";
import { beteiligungPath } from "./views/public/common.js";
import { ProcedureListPage, ProcedurePage, type CurrentEntry } from "./views/public/procedures.js";
import { AgencyPage, ClosedPage, ReceiptPage, StatementFormPage, type FormMode, type StatementFormProps } from "./views/public/statement.js";
import { MyStatementsPage, ResultPage, type MyStatement } from "./views/public/results.js";

type TP = { Params: { tenant: string } };
type IdP = { Params: { tenant: string; id: string } };
type DocP = { Params: { tenant: string; id: string; docId: string } };
type TokenP = { Params: { tenant: string; token: string } };
type ReceiptP = { Params: { tenant: string; statementId: string }; Querystring: { nachweis?: string } };

/**
 * The receipt after a statement is reached through a signed, short-lived value in its URL
 * (HMAC of town, statement and issue time), not through a session: anonymous submitters have no
 * session and get none (no cookie for anonymous visitors), and a bare statement id shows nothing.
 * A day is long enough to print or save the page; the e-mail confirmation stays the lasting record.
 */
const RECEIPT_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * Body limit of the statement routes only (the global one stays small): every attachment at its
 * maximum, one more file so "too many files" is answered at the field instead of by a 413, and
 * room for the text fields.
 */
const STATEMENT_FILES = MAX_ATTACHMENTS + 1;
const STATEMENT_BODY_LIMIT = STATEMENT_FILES * MAX_ATTACHMENT_BYTES + 2 * 1024 * 1024;

/** Public pages: procedures, phases, the statement form, agencies' access, results. */
export function registerPublicRoutes(app: FastifyInstance, ctx: AppContext, p: Participation): void {
  const store = p.service.store;

  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const crumbs = (t: Tenant, ...rest: Crumb[]): Crumb[] => [{ label: "Startseite", href: `/${t.slug}/` }, { label: "Beteiligung", href: beteiligungPath(t) }, ...rest];
  const formPath = (t: Tenant, procId: string) => beteiligungPath(t, `${procId}/stellungnahme`);
  const minePath = (t: Tenant) => beteiligungPath(t, "meine");
  /**
   * Pages behind personal links: not indexed, the link never leaves our site in a Referer header.
   * "same-origin", not "no-referrer": with no-referrer Chromium sends `Origin: null` on the page's
   * own form POST, which the CSRF check (rightly) refuses.
   */
  const personal = (reply: FastifyReply) => reply.header("referrer-policy", "same-origin").header("x-robots-tag", "noindex").header("cache-control", "private, no-store");

  /** The town's tile server (if configured), remembered per content version: cached pages need it for their header. */
  const tiles = new Map<string, { version: string; tile: TileSource | undefined }>();
  const tileFor = async (t: Tenant, version: string): Promise<TileSource | undefined> => {
    const hit = tiles.get(t.id);
    if (hit && hit.version === version) return hit.tile;
    const s = await store.settings(t.id);
    const tile = s.tileUrlTemplate && tileOrigin(s.tileUrlTemplate) ? { urlTemplate: s.tileUrlTemplate, attribution: s.tileAttribution ?? "" } : undefined;
    tiles.set(t.id, { version, tile });
    return tile;
  };
  /** A page with the tile mosaic may load images from the tile host: this response only, img-src only. */
  const allowTileHost = (reply: FastifyReply, tile: TileSource | undefined) => {
    const origin = tile && tileOrigin(tile.urlTemplate);
    if (!origin) return;
    const csp = String(reply.getHeader("content-security-policy") ?? "");
    if (csp.includes("img-src")) reply.header("content-security-policy", csp.replace(/img-src([^;]*)/, (_m, v: string) => `img-src${v} ${origin}`));
  };

  /** A procedure the public may see (drafts, other towns' and unknown ids: 404), with its phases. */
  const publicProcedure = async (t: Tenant, id: string): Promise<{ proc: ProcedureRow; phases: PhaseRow[] }> => {
    if (!UUID_RE.test(id)) throw notFound("Dieses Verfahren");
    const proc = await store.procedure(t.id, id);
    const phases = proc ? await store.phases(t.id, proc.id) : [];
    if (!proc || !isPublicProcedure(proc, phases)) throw notFound("Dieses Verfahren");
    return { proc, phases };
  };

  const mapOf = (proc: ProcedureRow, tile: TileSource | undefined, pick: boolean) =>
    ScopeOutline({ geojson: proc.scope_geojson, title: `Geltungsbereich: ${procedureTitle(proc)}`, tile, ...(pick ? { pickInput: "ort_geojson", id: "ort-karte" } : {}) });

  // ---- receipt links ---------------------------------------------------------------------------

  const receiptValue = (tenantId: string, statementId: string) => {
    const issued = ctx.clock.now().getTime().toString(36);
    return `${issued}.${ctx.secrets.sign("participation.receipt", `${tenantId}|${statementId}|${issued}`)}`;
  };
  const receiptValid = (tenantId: string, statementId: string, value: string | undefined): boolean => {
    const [issued, sig] = (value ?? "").split(".");
    if (!issued || !sig || !ctx.secrets.verify("participation.receipt", `${tenantId}|${statementId}|${issued}`, sig)) return false;
    const age = ctx.clock.now().getTime() - parseInt(issued, 36);
    return age >= -60_000 && age <= RECEIPT_TTL_MS;
  };
  const receiptHref = (t: Tenant, r: Receipt) => `${beteiligungPath(t, `eingang/${r.id}`)}?nachweis=${encodeURIComponent(receiptValue(t.id, r.id))}`;

  // ---- taking a statement ------------------------------------------------------------------------

  type Outcome =
    | { ok: true; receipt: Receipt }
    | { ok: false; phaseId: string; values: StatementValues; errors: FieldErrors; filesDropped: boolean; closed?: string };

  /**
   * Reads the multipart form (token first), hands it to the service and sorts its answer: field
   * errors (the form again, input kept), a period that is over (the text shown back), or the receipt.
   */
  const receive = async (req: FastifyRequest, t: Tenant, documents: DocumentRow[], phaseOf: (fields: Record<string, string | string[]>) => string, who: Submitter): Promise<Outcome> => {
    const form = await readMultipartForm(ctx, req, { fileSize: MAX_ATTACHMENT_BYTES, files: STATEMENT_FILES });
    const values = valuesFrom(form.fields);
    const files = form.files.filter((f) => f.field === "anlagen");
    if (files.length !== form.files.length) req.log.warn({ fields: form.files.filter((f) => f.field !== "anlagen").map((f) => f.field) }, "statement: files in unknown fields ignored");
    const filesDropped = files.length > 0;
    const phaseId = phaseOf(form.fields);
    if (values.dokument && !documents.some((d) => d.id === values.dokument)) {
      req.log.info("statement refused: document of another procedure");
      return { ok: false, phaseId, values: { ...values, dokument: "" }, errors: { dokument: "Bitte wählen Sie ein Dokument aus der Liste." }, filesDropped };
    }
    try {
      const receipt = await p.service.submitStatement(
        t.id,
        phaseId,
        {
          text: values.text,
          name: values.name,
          email: values.email,
          documentId: values.dokument || null,
          documentPage: values.seite,
          locationText: values.ort,
          locationGeojson: values.ort_geojson,
          consent: values.einwilligung,
          files: files.map((f) => ({ fileName: f.fileName, data: f.data, truncated: f.truncated })),
        },
        who,
      );
      req.log.info({ statementId: receipt.id, reference: receipt.reference, who: who.kind, attachments: files.length }, "statement received");
      return { ok: true, receipt };
    } catch (e) {
      if (e instanceof PeriodClosedError) {
        req.log.info({ who: who.kind }, "statement refused: period closed or not begun");
        return { ok: false, phaseId, values, errors: {}, filesDropped, closed: e.message };
      }
      if (e instanceof ParticipationRuleError) {
        const errors = e.fields ?? (e.field ? { [e.field]: e.message } : undefined);
        req.log.info({ who: who.kind, fields: errors ? Object.keys(errors) : [] }, "statement refused");
        if (!errors) return { ok: false, phaseId, values, errors: {}, filesDropped, closed: e.message };
        return { ok: false, phaseId, values, errors, filesDropped };
      }
      throw e;
    }
  };

  // ---- list and procedure pages ------------------------------------------------------------------

  app.get<TP>("/:tenant/beteiligung", (req, reply) => reply.redirect(beteiligungPath(tenantOf(req)), 301));

  app.get<TP>("/:tenant/beteiligung/", async (req, reply) => {
    const t = tenantOf(req);
    let ttlMs: number | undefined;
    return sendCachedPage(
      ctx,
      req,
      reply,
      async () => {
        const now = ctx.clock.now();
        const [procs, phases] = await Promise.all([store.procedures(t.id, ["laufend", "abgeschlossen", "eingestellt"]), store.currentPhases(t.id, now.toISOString())]);
        ttlMs = msToNextBoundary(phases, now);
        const byProc = new Map<string, PhaseRow[]>();
        for (const ph of phases) byProc.set(ph.procedure_id, [...(byProc.get(ph.procedure_id) ?? []), ph]);
        const running = procs.filter((x) => x.state === "laufend");
        const current: CurrentEntry[] = running.filter((x) => byProc.has(x.id)).map((x) => ({ procedure: x, phases: byProc.get(x.id)! }));
        // open phases first, then by the next opening
        const key = (e: CurrentEntry) => Math.min(...e.phases.map((ph) => (phaseState(ph, now) === "offen" ? 0 : Date.parse(ph.opens_at))));
        current.sort((a, b) => key(a) - key(b));
        const stopped = procs.filter((x) => x.state === "eingestellt");
        const stoppedPublic = new Set<string>();
        for (const x of stopped) if ((await store.phases(t.id, x.id)).length) stoppedPublic.add(x.id);
        const past = procs.filter((x) => x.state === "abgeschlossen" || stoppedPublic.has(x.id));
        return {
          opts: { title: "Beteiligung an der Bauleitplanung", tenant: t, breadcrumbs: [{ label: "Startseite", href: `/${t.slug}/` }, { label: "Beteiligung" }] },
          body: <ProcedureListPage tenant={t} current={current} idle={running.filter((x) => !byProc.has(x.id))} past={past} now={now} />,
        };
      },
      {
        get ttlMs() {
          return ttlMs;
        },
      },
    );
  });

  app.get<IdP>("/:tenant/beteiligung/:id", async (req, reply) => {
    const t = tenantOf(req);
    const tile = await tileFor(t, req.contentVersion);
    allowTileHost(reply, tile);
    // The page changes exactly when a phase opens or closes ("Stellungnahme abgeben" comes and goes): it lives until then.
    let ttlMs: number | undefined;
    return sendCachedPage(
      ctx,
      req,
      reply,
      async () => {
        const now = ctx.clock.now();
        const { proc, phases } = await publicProcedure(t, req.params.id);
        const [documents, weighings] = await Promise.all([store.documents(t.id, proc.id), store.weighings(t.id, proc.id)]);
        ttlMs = msToNextBoundary(phases, now);
        const title = procedureTitle(proc);
        return {
          opts: { title, tenant: t, breadcrumbs: crumbs(t, { label: title }) },
          body: <ProcedurePage tenant={t} procedure={proc} phases={phases} documents={documents} weighings={weighings} now={now} map={mapOf(proc, tile, false)} open={openPublicPhase(phases, now)} />,
        };
      },
      {
        get ttlMs() {
          return ttlMs;
        },
      },
    );
  });

  app.get<DocP>("/:tenant/beteiligung/:id/dokumente/:docId", async (req, reply) => {
    const t = tenantOf(req);
    const { proc } = await publicProcedure(t, req.params.id);
    const doc = UUID_RE.test(req.params.docId) ? await store.document(t.id, req.params.docId) : undefined;
    if (!doc || doc.procedure_id !== proc.id || !doc.storage_key) throw notFound("Dieses Dokument");
    const etag = `"${doc.id}"`;
    reply.header("cache-control", "public, no-cache").header("etag", etag).header("x-content-type-options", "nosniff").header("content-disposition", inlineDisposition(doc.file_name ?? `${doc.title}.pdf`));
    if (req.headers["if-none-match"] === etag) return reply.code(304).send();
    if (doc.size) reply.header("content-length", String(doc.size));
    return reply.type("application/pdf").send(await ctx.storage.get(doc.storage_key));
  });

  // ---- the public's statement form ---------------------------------------------------------------

  const formModeOf = async (req: FastifyRequest, t: Tenant, procId: string): Promise<{ mode: FormMode; email: string; who: Submitter }> => {
    const citizen = citizenOf(req);
    if (!citizen) {
      return { mode: { kind: "anonymous", loginHref: `/${t.slug}/anmelden?${new URLSearchParams({ weiter: formPath(t, procId), niveau: "basic" }).toString()}` }, email: "", who: { kind: "anonymous" } };
    }
    const account = await identityService(ctx).store.account(t.id, citizen.accountId);
    return {
      mode: { kind: "account", displayName: citizen.displayName, mineHref: minePath(t) },
      email: account?.attributes.email ?? account?.contact.email ?? "",
      who: { kind: "account", accountId: citizen.accountId },
    };
  };

  /** Why there is no form now (not begun, over, agencies only); undefined when a public phase is open. */
  const noFormReason = (phases: PhaseRow[], now: Date): { title: string; message: string } | undefined => {
    if (openPublicPhase(phases, now)) return undefined;
    const publicPhases = phases.filter((ph) => ph.public_participation && !ph.cancelled_at);
    const next = publicPhases.find((ph) => phaseState(ph, now) === "geplant");
    if (next) return { title: "Die Beteiligung hat noch nicht begonnen", message: `Die Beteiligung beginnt am ${germanDate(next.start_date)}. Ab dann können Sie hier Ihre Stellungnahme abgeben.` };
    const last = publicPhases.at(-1);
    if (last) {
      return {
        title: "Die Frist ist abgelaufen",
        message: `Die Frist für Stellungnahmen ist am ${germanDate(last.end_date)} um 24:00 Uhr abgelaufen. Online nehmen wir keine Stellungnahmen mehr an. Wenn Sie uns dennoch etwas mitteilen möchten, wenden Sie sich bitte an die Stadtplanung: Eine verspätete Stellungnahme kann bei der Beschlussfassung unberücksichtigt bleiben.`,
      };
    }
    return { title: "Keine Beteiligung der Öffentlichkeit", message: "Zu diesem Verfahren ist derzeit keine Beteiligung der Öffentlichkeit angesetzt." };
  };

  const formPage = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, proc: ProcedureRow, phase: PhaseRow, values: StatementValues, errors: FieldErrors, filesDropped: boolean, status: number) => {
    const [documents, tile, m] = await Promise.all([store.documents(t.id, proc.id), tileFor(t, String(req.contentVersion)), formModeOf(req, t, proc.id)]);
    allowTileHost(reply, tile);
    const action = formPath(t, proc.id);
    const form: StatementFormProps = { action, csrf: csrfToken(ctx, req, action), phaseId: phase.id, documents, values: status === 200 ? { ...values, email: values.email || m.email } : values, errors, map: mapOf(proc, tile, true), mode: m.mode, filesDropped };
    const title = `${Object.keys(errors).length ? "Fehler: " : ""}Stellungnahme abgeben – ${procedureTitle(proc)}`;
    return sendPage(ctx, req, reply, { title, tenant: t, status, breadcrumbs: crumbs(t, { label: procedureTitle(proc), href: beteiligungPath(t, proc.id) }, { label: "Stellungnahme" }) }, <StatementFormPage tenant={t} procedure={proc} lastDay={phase.end_date} form={form} />);
  };

  const closedPage = (req: FastifyRequest, reply: FastifyReply, t: Tenant, proc: ProcedureRow, reason: { title: string; message: string }, status: number, values?: StatementValues) =>
    sendPage(ctx, req, reply, { title: reason.title, tenant: t, status, breadcrumbs: crumbs(t, { label: procedureTitle(proc), href: beteiligungPath(t, proc.id) }, { label: "Stellungnahme" }) }, <ClosedPage tenant={t} procedure={proc} title={reason.title} message={reason.message} values={values} />);

  // Not cached: the page carries a form token (and, for a logged-in citizen, their e-mail address).
  app.get<IdP>("/:tenant/beteiligung/:id/stellungnahme", async (req, reply) => {
    const t = tenantOf(req);
    const { proc, phases } = await publicProcedure(t, req.params.id);
    const now = ctx.clock.now();
    const open = openPublicPhase(phases, now);
    if (!open) return closedPage(req, reply, t, proc, noFormReason(phases, now)!, 200);
    return formPage(req, reply, t, proc, open, EMPTY_VALUES, {}, false, 200);
  });

  app.post<IdP>("/:tenant/beteiligung/:id/stellungnahme", { config: { csrf: false }, bodyLimit: STATEMENT_BODY_LIMIT }, async (req, reply) => {
    // CSRF: readMultipartForm checks the token (the form's first field) before any file is read.
    const t = tenantOf(req);
    const { proc, phases } = await publicProcedure(t, req.params.id);
    const publicPhases = phases.filter((ph) => ph.public_participation);
    if (!publicPhases.length) throw notFound("Das Formular");
    const documents = await store.documents(t.id, proc.id);
    const { who } = await formModeOf(req, t, proc.id);
    // The phase the form was shown for: a post that arrives after its end is refused with the period's message.
    const phaseOf = (fields: Record<string, string | string[]>) => {
      const asked = typeof fields.phase === "string" ? publicPhases.find((ph) => ph.id === fields.phase) : undefined;
      return (asked ?? openPublicPhase(publicPhases, ctx.clock.now()) ?? publicPhases.at(-1)!).id;
    };
    const r = await receive(req, t, documents, phaseOf, who);
    if (r.ok) return reply.redirect(receiptHref(t, r.receipt), 303);
    if (r.closed) return closedPage(req, reply, t, proc, { title: "Stellungnahme nicht angenommen", message: r.closed }, 422, r.values);
    const phase = publicPhases.find((ph) => ph.id === r.phaseId)!;
    // input errors in a post that came after the end: no form to correct any more, but the text is shown back
    if (phaseState(phase, ctx.clock.now()) !== "offen") return closedPage(req, reply, t, proc, noFormReason(phases, ctx.clock.now()) ?? { title: "Stellungnahme nicht angenommen", message: "Zurzeit nehmen wir keine Stellungnahmen an." }, 422, r.values);
    return formPage(req, reply, t, proc, phase, r.values, r.errors, r.filesDropped, 422);
  });

  // ---- receipt -----------------------------------------------------------------------------------

  app.get<ReceiptP>("/:tenant/beteiligung/eingang/:statementId", async (req, reply) => {
    const t = tenantOf(req);
    const id = req.params.statementId;
    personal(reply);
    if (!UUID_RE.test(id) || !receiptValid(t.id, id, req.query.nachweis)) {
      throw new HttpError(404, "Diese Eingangsbestätigung wurde nicht gefunden oder ist nicht mehr abrufbar. Ihr Zeichen steht auch in der Eingangsbestätigung per E-Mail.", "receipt link invalid or expired");
    }
    const s = await store.statement(t.id, id);
    if (!s) throw notFound("Diese Eingangsbestätigung");
    const [proc, attachments] = await Promise.all([store.procedure(t.id, s.procedure_id), store.attachments(t.id, s.id)]);
    if (!proc) throw notFound("Diese Eingangsbestätigung");
    return sendPage(ctx, req, reply, { title: `Stellungnahme eingegangen – ${s.reference}`, tenant: t, breadcrumbs: crumbs(t, { label: "Eingangsbestätigung" }) }, <ReceiptPage tenant={t} procedure={proc} statement={s} attachments={attachments.length} mineHref={s.account_id ? minePath(t) : undefined} />);
  });

  // ---- agencies (Träger öffentlicher Belange) ---------------------------------------------------

  const agencyAccess = async (t: Tenant, token: string) => {
    const found = await p.service.invitationByToken(t.id, token);
    const proc = found ? await store.procedure(t.id, found.phase.procedure_id) : undefined;
    if (!found || !proc) throw new HttpError(404, "Dieser Zugang ist nicht gültig. Bitte prüfen Sie, ob Sie den Link aus der Einladung vollständig übernommen haben.", "unknown invitation token");
    return { ...found, proc };
  };
  /** Why the agency cannot write now (cancelled, not begun, after its deadline); undefined while it can. */
  const agencyClosed = (phase: PhaseRow, deadline: string, now: Date): string | undefined => {
    if (phase.cancelled_at) return "Diese Beteiligung wurde abgesagt.";
    if (now < new Date(phase.opens_at)) return `Die Beteiligung beginnt am ${germanDate(phase.start_date)}. Ab dann können Sie hier Ihre Stellungnahme abgeben.`;
    if (now >= periodInstants(phase.start_date, deadline).closesAt) {
      return `Die Frist für Ihre Stellungnahme ist am ${germanDate(deadline)} um 24:00 Uhr abgelaufen. Online nehmen wir keine Stellungnahme mehr an. Wenn Sie uns dennoch etwas mitteilen möchten, wenden Sie sich bitte an die Stadtplanung: Eine verspätete Stellungnahme kann bei der Beschlussfassung unberücksichtigt bleiben.`;
    }
    return undefined;
  };
  const agencyPage = async (req: FastifyRequest<TokenP>, reply: FastifyReply, status: number, state: { values: StatementValues; errors: FieldErrors; filesDropped: boolean; closed?: string }) => {
    personal(reply);
    const t = tenantOf(req);
    const a = await agencyAccess(t, req.params.token);
    const [documents, given, tile] = await Promise.all([store.documents(t.id, a.proc.id), store.statementsOfInvitation(t.id, a.invitation.id), tileFor(t, String(req.contentVersion))]);
    allowTileHost(reply, tile);
    const closed = state.closed ?? agencyClosed(a.phase, a.invitation.deadline, ctx.clock.now());
    const action = beteiligungPath(t, `toeb/${req.params.token}`);
    const form: StatementFormProps | undefined = closed
      ? undefined
      : { action, csrf: csrfToken(ctx, req, action), phaseId: a.phase.id, documents, values: status === 200 ? { ...state.values, email: state.values.email || a.agency.email } : state.values, errors: state.errors, map: mapOf(a.proc, tile, true), mode: { kind: "agency", agencyName: a.agency.name }, filesDropped: state.filesDropped };
    const title = `${Object.keys(state.errors).length ? "Fehler: " : ""}Stellungnahme – ${a.agency.name}`;
    return sendPage(ctx, req, reply, { title, tenant: t, status, breadcrumbs: crumbs(t, { label: "Träger öffentlicher Belange" }) },
      <AgencyPage tenant={t} agencyName={a.agency.name} procedure={a.proc} deadline={a.invitation.deadline} documents={documents} given={given} form={form} closed={closed ? { message: closed, values: status === 422 ? state.values : undefined } : undefined} />);
  };

  app.get<TokenP>("/:tenant/beteiligung/toeb/:token", async (req, reply) => {
    return agencyPage(req, reply, 200, { values: EMPTY_VALUES, errors: {}, filesDropped: false });
  });

  app.post<TokenP>("/:tenant/beteiligung/toeb/:token", { config: { csrf: false }, bodyLimit: STATEMENT_BODY_LIMIT }, async (req, reply) => {
    // CSRF: readMultipartForm checks the token (the form's first field) before any file is read.
    personal(reply);
    const t = tenantOf(req);
    const a = await agencyAccess(t, req.params.token);
    const documents = await store.documents(t.id, a.proc.id);
    const r = await receive(req, t, documents, () => a.phase.id, { kind: "agency", invitationToken: req.params.token });
    if (r.ok) return reply.redirect(receiptHref(t, r.receipt), 303);
    return agencyPage(req, reply, 422, r);
  });

  // ---- results -----------------------------------------------------------------------------------

  app.get<TokenP>("/:tenant/beteiligung/ergebnis/:token", async (req, reply) => {
    const t = tenantOf(req);
    personal(reply);
    const r = await p.weighing.resultByToken(t.id, req.params.token);
    if (!r) throw new HttpError(404, "Dieser Link ist nicht gültig. Bitte prüfen Sie, ob Sie ihn vollständig aus der E-Mail übernommen haben.", "unknown result token");
    return sendPage(ctx, req, reply, { title: `Ergebnis zu Ihrer Stellungnahme ${r.statement.reference}`, tenant: t, breadcrumbs: crumbs(t, { label: "Ergebnis" }) }, <ResultPage tenant={t} statement={r.statement} procedure={r.procedure} weighing={r.weighing} />);
  });

  app.get<TP>("/:tenant/beteiligung/meine", { preHandler: citizenOnly() }, async (req, reply) => {
    const t = tenantOf(req);
    const citizen = citizenOf(req)!;
    const statements = await store.statementsOfAccount(t.id, citizen.accountId);
    const procs = new Map<string, ProcedureRow | undefined>();
    const weighings = new Map<string, WeighingRow>();
    for (const s of statements) {
      if (procs.has(s.procedure_id)) continue;
      procs.set(s.procedure_id, await store.procedure(t.id, s.procedure_id));
      for (const w of await store.weighings(t.id, s.procedure_id)) weighings.set(w.id, w);
    }
    const items: MyStatement[] = statements.map((s) => ({ statement: s, procedure: procs.get(s.procedure_id), weighing: s.weighing_id ? weighings.get(s.weighing_id) : undefined }));
    return sendPage(ctx, req, reply, { title: "Meine Stellungnahmen", tenant: t, breadcrumbs: crumbs(t, { label: "Meine Stellungnahmen" }) }, <MyStatementsPage tenant={t} items={items} />);
  });
}

/** inline, with the stored name (ASCII fallback and RFC 5987 for the rest). */
function inlineDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
