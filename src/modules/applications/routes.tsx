import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { sendCachedPage, sendPage } from "../../platform/http/pages.js";
import { HttpError, notFound } from "../../platform/http/errors.js";
import { checkCsrf, csrfToken, FORM_PAGE_TTL_MS } from "../../platform/http/csrf.js";
import { readPdfForm, PdfFormError } from "../../platform/pdf/acroform.js";
import { fillablePdfFor, bodyFromPdfForm } from "./pdf/fillable.js";
import { readMultipartForm, type ReceivedFile } from "../../platform/http/multipart.js";
import { citizenOf, citizenOnly } from "../../platform/auth/citizen.js";
import { meetsTrust } from "../../platform/auth/trust.js";
import { formatDate } from "../../platform/clock.js";
import { sniffType, acceptsType, describeAccept } from "../../platform/storage/sniff.js";
import type { VirusScanner } from "../../platform/storage/virus-scan.js";
import { serviceCatalogue, summarise, type ServiceDefinition, type StepDefinition } from "../services/index.js";
import { identityService } from "../identity/index.js";
import { Applications, filesByInput, type Draft, type Submission } from "./service.js";
import type { SubmissionAccess, SubmissionSection } from "./index.js";
import { bodyFromAnswers, itemCounts, stepOwnsInput } from "./answers.js";
import { hasFileInput } from "./views/fields.js";
import { CheckPage, ConfirmationPage, GonePage, MyApplicationsPage, PdfFormPage, ResumePage, SavedPage, StartPage, StepPage } from "./views/pages.js";

type SP = { Params: { tenant: string; serviceId: string } };
type DP = { Params: { tenant: string; serviceId: string; draftId: string } };
type StepP = { Params: { tenant: string; serviceId: string; draftId: string; stepId: string } };
type TokenP = { Params: { tenant: string; token: string } };

const SESSION_DRAFTS = 20;
const MB = 1024 * 1024;

export function registerApplicationRoutes(app: FastifyInstance, ctx: AppContext, apps: Applications, scanner: VirusScanner, sections: () => SubmissionSection[]): void {
  const catalogue = serviceCatalogue(ctx);
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const base = (t: Tenant, d: Pick<Draft, "serviceId" | "id">) => `/${t.slug}/dienste/${d.serviceId}/antrag/${d.id}`;
  const stepHref = (t: Tenant, d: Draft, stepId: string) => `${base(t, d)}/schritt/${stepId}`;
  const crumbs = (t: Tenant, def: ServiceDefinition, label: string) => [
    { label: "Startseite", href: `/${t.slug}/` },
    { label: "Digitales Rathaus", href: `/${t.slug}/dienste/` },
    { label: def.title, href: `/${t.slug}/dienste/${def.id}` },
    { label },
  ];
  const statusUrl = (t: Tenant, s: Pick<Submission, "id" | "linkSalt">) => `${ctx.config.baseUrl}/${t.slug}/antrag/status/${apps.statusToken(s)}`;
  const sessionDrafts = (req: FastifyRequest): string[] => {
    const list = req.session?.data.drafts;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : [];
  };
  /** An anonymous draft belongs to the browser session that started or resumed it. */
  const rememberDraft = async (req: FastifyRequest, reply: FastifyReply, draftId: string) => {
    if (!req.session) {
      await app.sessions.start(req, reply, { kind: "form", data: { drafts: [draftId] } });
      return;
    }
    req.session.data.drafts = [draftId, ...sessionDrafts(req).filter((x) => x !== draftId)].slice(0, SESSION_DRAFTS);
    await app.sessions.save(req.session);
  };
  const loginRedirect = (reply: FastifyReply, t: Tenant, returnTo: string, level: string) =>
    reply.redirect(`/${t.slug}/anmelden?${new URLSearchParams({ weiter: returnTo, niveau: level }).toString()}`, 303);

  /** The draft of this URL, if this browser may work on it; a login where the draft is an account's. */
  const draftFor = async (req: FastifyRequest<DP>, reply: FastifyReply): Promise<{ t: Tenant; d: Draft; def: ServiceDefinition } | FastifyReply> => {
    const t = tenantOf(req);
    const d = await apps.draft(t.id, req.params.draftId);
    if (!d || d.serviceId !== req.params.serviceId) throw notFound("Dieser Antrag");
    const def = await apps.definitionOf(d);
    if (apps.isExpired(d)) {
      // Said before the access check: the session that started it has long ended by then.
      return sendPage(ctx, req, reply, { title: "Antrag nicht mehr verfügbar", tenant: t, status: 410 }, <GonePage tenant={t} message={`Der Entwurf war bis zum ${formatDate(d.expiresAt)} gespeichert und wird gelöscht. Bitte beginnen Sie den Antrag neu.`} />);
    }
    const citizen = citizenOf(req);
    if (d.accountId) {
      if (!citizen || !meetsTrust(citizen.trustLevel, def.trustLevel === "none" ? "basic" : def.trustLevel)) return loginRedirect(reply, t, req.url, def.trustLevel === "none" ? "basic" : def.trustLevel);
      if (citizen.accountId !== d.accountId) throw notFound("Dieser Antrag");
    } else if (!sessionDrafts(req).includes(d.id)) {
      throw new HttpError(404, "Dieser Antrag wurde nicht gefunden. Einen angefangenen Antrag öffnen Sie mit dem Link zum Fortsetzen, den Sie beim Speichern erhalten haben.", `draft ${d.id} not in this session`);
    }
    return { t, d, def };
  };
  const isReply = (x: unknown): x is FastifyReply => !!x && typeof (x as FastifyReply).send === "function" && typeof (x as FastifyReply).code === "function";

  // ---- start ----

  const startDraft = async (req: FastifyRequest<SP>, reply: FastifyReply) => {
    const t = tenantOf(req);
    const def = await catalogue.service(t.id, req.params.serviceId);
    if (!def) throw notFound("Dieser Online-Dienst");
    const citizen = citizenOf(req);
    if (def.trustLevel !== "none" && !(citizen && meetsTrust(citizen.trustLevel, def.trustLevel))) return loginRedirect(reply, t, `/${t.slug}/dienste/${def.id}/antrag`, def.trustLevel);
    let draft: Draft;
    if (citizen) {
      const account = await identityService(ctx).store.account(t.id, citizen.accountId);
      const a = account?.attributes;
      draft = await apps.start(t, def, {
        accountId: citizen.accountId,
        prefill: { ...a, email: a?.email ?? account?.contact.email },
      });
    } else {
      draft = await apps.start(t, def, {});
      await rememberDraft(req, reply, draft.id);
    }
    req.log.info({ draftId: draft.id, serviceId: def.id }, "application started");
    return reply.redirect(stepHref(t, draft, def.steps[0]!.id), 303);
  };
  app.post<SP>("/:tenant/dienste/:serviceId/antrag", { bodyLimit: 4 * 1024 }, startDraft);

  // After a login (GET return address): a page with the start button, so no GET changes anything.
  app.get<SP>("/:tenant/dienste/:serviceId/antrag", async (req, reply) => {
    const t = tenantOf(req);
    const def = await catalogue.service(t.id, req.params.serviceId);
    if (!def) throw notFound("Dieser Online-Dienst");
    const citizen = citizenOf(req);
    const need = def.trustLevel === "none" ? "basic" : def.trustLevel;
    if (!citizen || !meetsTrust(citizen.trustLevel, need)) return citizenOnly(need).call(app, req, reply);
    const action = `/${t.slug}/dienste/${def.id}/antrag`;
    return sendPage(ctx, req, reply, { title: `${def.title}: Antrag beginnen`, tenant: t, breadcrumbs: crumbs(t, def, "Antrag beginnen") }, <StartPage def={def} action={action} csrf={csrfToken(ctx, req, action)} displayName={citizen.displayName} />);
  });

  app.get<DP>("/:tenant/dienste/:serviceId/antrag/:draftId", async (req, reply) => {
    const r = await draftFor(req, reply);
    if (isReply(r)) return r;
    if (r.d.status === "submitted") return reply.redirect(`${base(r.t, r.d)}/eingang`, 303);
    const next = apps.progress(r.def, r.d).next;
    return reply.redirect(next ? stepHref(r.t, r.d, next.id) : `${base(r.t, r.d)}/pruefen`, 303);
  });

  // ---- steps ----

  const renderStep = (req: FastifyRequest, reply: FastifyReply, t: Tenant, d: Draft, def: ServiceDefinition, step: StepDefinition, body: Record<string, unknown>, errors: Record<string, string>, files: Record<string, import("../services/index.js").FileRef[]>, status = 200, counts?: Record<string, number>, notice?: string) => {
    const { steps } = apps.progress(def, d);
    const index = Math.max(0, steps.findIndex((s) => s.id === step.id));
    const prev = steps[index - 1];
    const action = stepHref(t, d, step.id);
    const title = `${Object.keys(errors).length ? "Fehler: " : ""}${step.title} – ${def.title}`;
    return sendPage(ctx, req, reply, { title, tenant: t, breadcrumbs: crumbs(t, def, "Online-Antrag"), status },
      <StepPage
        view={{ def, step, answers: d.answers, body, errors, files, prefilled: new Set(d.prefilled), counts: counts ?? itemCounts(step, body) }}
        index={index}
        count={steps.length}
        action={action}
        csrf={csrfToken(ctx, req, action)}
        backHref={prev ? stepHref(t, d, prev.id) : `/${t.slug}/dienste/${def.id}`}
        loggedIn={!!d.accountId}
        notice={notice}
      />);
  };

  const stepOf = async (req: FastifyRequest<StepP>, reply: FastifyReply) => {
    const r = await draftFor(req, reply);
    if (isReply(r)) return r;
    if (r.d.status === "submitted") return reply.redirect(`${base(r.t, r.d)}/eingang`, 303);
    const step = r.def.steps.find((s) => s.id === req.params.stepId);
    if (!step) throw notFound("Dieser Schritt");
    if (!apps.mayOpen(r.def, r.d, step.id)) {
      // Skipping ahead, or a step that does not apply to these answers: back to where the application stands.
      req.log.info({ draftId: r.d.id, stepId: step.id }, "step not open for this draft");
      const next = apps.progress(r.def, r.d).next;
      return reply.redirect(next ? stepHref(r.t, r.d, next.id) : `${base(r.t, r.d)}/pruefen`, 303);
    }
    return { ...r, step };
  };

  app.get<StepP & { Querystring: { hinweis?: string } }>("/:tenant/dienste/:serviceId/antrag/:draftId/schritt/:stepId", async (req, reply) => {
    const r = await stepOf(req, reply);
    if (isReply(r)) return r;
    const files = filesByInput(await apps.files(r.d));
    const notice = req.query.hinweis === "pdf" ? "Wir haben Ihre Angaben aus dem PDF übernommen. Bitte prüfen und ergänzen Sie sie." : undefined;
    return renderStep(req, reply, r.t, r.d, r.def, r.step, bodyFromAnswers(r.step, r.d.answers), {}, files, 200, undefined, notice);
  });

  app.post<StepP>("/:tenant/dienste/:serviceId/antrag/:draftId/schritt/:stepId", { config: { csrf: false }, bodyLimit: 60 * MB }, async (req, reply) => {
    // CSRF: checked below, for multipart forms from their first field before any file is read.
    let body: Record<string, unknown>;
    let received: ReceivedFile[] = [];
    const r0 = await stepOf(req, reply);
    if (isReply(r0)) {
      if (req.isMultipart()) for await (const p of req.parts()) if (p.type === "file") p.file.resume();
      return r0;
    }
    const { t, d, def, step } = r0;
    if (req.isMultipart()) {
      const fileFields = stepFileFields(step);
      const maxMb = Math.max(1, ...fileFields.map((f) => f.file?.maxSizeMb ?? 1));
      const maxFiles = fileFields.reduce((n, f) => n + (f.file?.maxFiles ?? 1) * (f.repeatMax ?? 1), 0) + 1;
      const form = await readMultipartForm(ctx, req, { fileSize: maxMb * MB, files: maxFiles });
      body = form.fields;
      received = form.files;
    } else {
      const failure = checkCsrf(ctx, req);
      if (failure) throw new HttpError(403, "Das Formular konnte nicht sicher übermittelt werden. Bitte laden Sie die Seite neu und senden Sie es erneut.", `csrf check failed: ${failure}`);
      body = { ...((req.body as Record<string, unknown> | undefined) ?? {}) };
    }
    const action = typeof body._aktion === "string" ? body._aktion : "weiter";
    const removals = body._entfernen;
    delete body._csrf;
    delete body._aktion;
    delete body._entfernen;

    // Files first: removals, then the new uploads, each checked on its own; good ones are kept even if other answers are wrong.
    const existing = await apps.files(d);
    for (const id of (Array.isArray(removals) ? removals : removals ? [removals] : []).map(String)) {
      const row = existing.find((x) => x.id === id);
      if (row && stepOwnsInput(step, row.input_name)) await apps.removeFile(d, id);
    }
    const uploadErrors: Record<string, string> = {};
    const current = filesByInput(await apps.files(d));
    for (const file of received) {
      const field = stepOwnsInput(step, file.field);
      if (!field || field.type !== "file" || !field.file) {
        req.log.warn({ draftId: d.id, input: file.field }, "upload for an input that is not a file field of this step: ignored");
        continue;
      }
      const spec = field.file;
      const label = `„${file.fileName || "ohne Namen"}“`;
      const fail = (msg: string, log: string) => {
        uploadErrors[file.field] = msg;
        req.log.info({ draftId: d.id, input: file.field, size: file.data.length }, `upload refused: ${log}`);
      };
      if ((current[file.field]?.length ?? 0) >= spec.maxFiles) {
        fail(`Bei „${field.label}“ sind höchstens ${spec.maxFiles} ${spec.maxFiles === 1 ? "Datei" : "Dateien"} möglich. Die Datei ${label} wurde nicht angenommen.`, "too many files");
        continue;
      }
      if (file.truncated || file.data.length > spec.maxSizeMb * MB) {
        fail(`Die Datei ${label} ist größer als ${spec.maxSizeMb} MB. Bitte verkleinern Sie sie (z. B. als PDF mit geringerer Auflösung) und laden Sie sie erneut hoch.`, "too large");
        continue;
      }
      if (file.data.length === 0) {
        fail(`Die Datei ${label} ist leer. Bitte wählen Sie eine andere Datei.`, "empty");
        continue;
      }
      const type = sniffType(file.data);
      if (!type || !acceptsType(spec.accept, type.mime)) {
        fail(`Die Datei ${label} hat nicht das erwartete Format. Möglich sind: ${describeAccept(spec.accept)}. Wir prüfen den Inhalt der Datei, nicht nur ihren Namen.`, `type ${type?.mime ?? "unknown"} not accepted`);
        continue;
      }
      const scan = await scanner.scan(file.data);
      if (scan.status === "infected") {
        fail(`Die Datei ${label} enthält Schadsoftware und wurde nicht angenommen.`, `virus found: ${scan.signature}`);
        continue;
      }
      if (scan.status === "error") {
        uploadErrors[file.field] = `Die Datei ${label} konnte gerade nicht auf Schadsoftware geprüft werden. Bitte versuchen Sie es in einigen Minuten erneut.`;
        req.log.error({ draftId: d.id, input: file.field, err: scan.message }, "virus scan failed");
        continue;
      }
      const ref = await apps.addFile(d, step, { inputName: file.field, fileName: file.fileName, data: file.data, contentType: type.mime });
      (current[file.field] ??= []).push(ref);
    }

    // Repeatable groups without JavaScript: add or remove an item and show the step again.
    const groupAction = /^(weitere|entfernen):([^:]+)(?::(\d+))?$/.exec(action);
    if (groupAction) {
      const group = step.fields.find((f) => f.id === groupAction[2] && f.repeat);
      if (!group) throw new HttpError(400, "Diese Aktion gibt es in diesem Schritt nicht.", `unknown group action ${action}`);
      const counts = itemCounts(step, body);
      if (groupAction[1] === "weitere") counts[group.id] = Math.min(group.repeat!.max, (counts[group.id] ?? 1) + 1);
      else {
        const i = Number(groupAction[3]);
        body = await apps.removeRepeatItem(d, group.id, i, body);
        counts[group.id] = Math.max(group.repeat!.min, 1, (counts[group.id] ?? 1) - 1);
      }
      return renderStep(req, reply, t, d, def, step, body, uploadErrors, filesByInput(await apps.files(d)), Object.keys(uploadErrors).length ? 422 : 200, counts);
    }

    const refused = Object.keys(uploadErrors).length > 0;
    // A refused upload keeps the step open; what is valid is saved so nothing typed is lost.
    const result = await apps.saveStep(def, d, step, body, { save: action === "speichern" || refused, keepOpen: refused });
    if (result.ok && !refused && action !== "speichern") {
      return reply.redirect(result.next ? stepHref(t, d, result.next) : `${base(t, d)}/pruefen`, 303);
    }
    if (action === "speichern" && !refused) return reply.redirect(`${base(t, d)}/gespeichert`, 303);
    const errors = { ...uploadErrors, ...(result.ok ? {} : result.errors) };
    req.log.info({ draftId: d.id, stepId: step.id, fields: Object.keys(errors) }, "step has errors");
    return renderStep(req, reply, t, d, def, step, result.ok ? body : result.body, errors, filesByInput(await apps.files(d)), 422);
  });

  // ---- save and resume ----

  app.get<DP>("/:tenant/dienste/:serviceId/antrag/:draftId/gespeichert", async (req, reply) => {
    const r = await draftFor(req, reply);
    if (isReply(r)) return r;
    if (r.d.status === "submitted") return reply.redirect(`${base(r.t, r.d)}/eingang`, 303);
    const resumeUrl = r.d.accountId ? undefined : `${ctx.config.baseUrl}/${r.t.slug}/antrag/fortsetzen/${apps.resumeToken(r.d)}`;
    return sendPage(ctx, req, reply, { title: `Gespeichert – ${r.def.title}`, tenant: r.t, breadcrumbs: crumbs(r.t, r.def, "Gespeichert") },
      <SavedPage def={r.def} draft={r.d} resumeUrl={resumeUrl} continueHref={base(r.t, r.d)} mineHref={r.d.accountId ? `/${r.t.slug}/mein-rathaus/antraege` : undefined} />);
  });

  const resumable = async (req: FastifyRequest<TokenP>) => {
    const t = tenantOf(req);
    const d = await apps.draftByResumeToken(t.id, req.params.token);
    if (!d || d.accountId) throw new HttpError(404, "Dieser Link zum Fortsetzen ist ungültig. Bitte prüfen Sie, ob Sie ihn vollständig kopiert haben.", "unknown resume token");
    return { t, d, def: await apps.definitionOf(d) };
  };
  app.get<TokenP>("/:tenant/antrag/fortsetzen/:token", async (req, reply) => {
    const { t, d, def } = await resumable(req);
    if (d.status === "submitted") throw new HttpError(410, "Dieser Antrag wurde bereits abgesendet. Den Stand sehen Sie mit dem Link aus Ihrer Eingangsbestätigung.");
    if (apps.isExpired(d)) return sendPage(ctx, req, reply, { title: "Antrag nicht mehr verfügbar", tenant: t, status: 410 }, <GonePage tenant={t} message="Der Entwurf ist abgelaufen und wurde gelöscht. Bitte beginnen Sie den Antrag neu." />);
    const action = `/${t.slug}/antrag/fortsetzen/${req.params.token}`;
    return sendPage(ctx, req, reply, { title: `Antrag fortsetzen – ${def.title}`, tenant: t, breadcrumbs: crumbs(t, def, "Antrag fortsetzen") }, <ResumePage def={def} draft={d} action={action} csrf={csrfToken(ctx, req, action)} />);
  });
  app.post<TokenP>("/:tenant/antrag/fortsetzen/:token", { bodyLimit: 4 * 1024 }, async (req, reply) => {
    const { t, d } = await resumable(req);
    if (d.status === "submitted" || apps.isExpired(d)) return reply.redirect(`/${t.slug}/antrag/fortsetzen/${req.params.token}`, 303);
    await rememberDraft(req, reply, d.id);
    return reply.redirect(base(t, d), 303);
  });

  app.post<DP>("/:tenant/dienste/:serviceId/antrag/:draftId/verwerfen", { bodyLimit: 4 * 1024 }, async (req, reply) => {
    const r = await draftFor(req, reply);
    if (isReply(r)) return r;
    if (r.d.status === "open") await apps.discard(r.d);
    return reply.redirect(r.d.accountId ? `/${r.t.slug}/mein-rathaus/antraege` : `/${r.t.slug}/dienste/${r.def.id}`, 303);
  });

  // ---- check and submit ----

  const checkPage = async (req: FastifyRequest<DP>, reply: FastifyReply, r: { t: Tenant; d: Draft; def: ServiceDefinition }, errors: Record<string, string> = {}, status = 200) => {
    const files = filesByInput(await apps.files(r.d));
    const answers = { ...r.d.answers };
    // File answers show the files as they are now.
    const action = `${base(r.t, r.d)}/absenden`;
    return sendPage(ctx, req, reply, { title: `Angaben prüfen – ${r.def.title}`, tenant: r.t, breadcrumbs: crumbs(r.t, r.def, "Angaben prüfen"), status },
      <CheckPage tenant={r.t} def={r.def} sections={summarise(r.def, withFiles(r.def, answers, files))} editHref={(id) => stepHref(r.t, r.d, id)} action={action} csrf={csrfToken(ctx, req, action)} errors={errors} />);
  };

  app.get<DP>("/:tenant/dienste/:serviceId/antrag/:draftId/pruefen", async (req, reply) => {
    const r = await draftFor(req, reply);
    if (isReply(r)) return r;
    if (r.d.status === "submitted") return reply.redirect(`${base(r.t, r.d)}/eingang`, 303);
    const next = apps.progress(r.def, r.d).next;
    if (next) return reply.redirect(stepHref(r.t, r.d, next.id), 303);
    return checkPage(req, reply, r);
  });

  app.post<DP>("/:tenant/dienste/:serviceId/antrag/:draftId/absenden", { bodyLimit: 4 * 1024 }, async (req, reply) => {
    const r = await draftFor(req, reply);
    if (isReply(r)) return r;
    const citizen = citizenOf(req);
    const account = citizen && r.d.accountId ? await identityService(ctx).store.account(r.t.id, citizen.accountId) : undefined;
    const result = await apps.submit(
      r.t,
      r.def,
      r.d,
      { statusUrl: (s) => statusUrl(r.t, s), url: (s) => `${ctx.config.baseUrl}/${r.t.slug}/dienste/${s.serviceId}/antrag/${s.draftId}/eingang` },
      account ? { email: account.attributes.email ?? account.contact.email, name: [account.attributes.givenName, account.attributes.surname].filter(Boolean).join(" ") || undefined } : undefined,
    );
    if (!result.ok) {
      req.log.info({ draftId: r.d.id, stepId: result.stepId, fields: Object.keys(result.errors) }, "submit refused: a step is incomplete or invalid");
      const step = r.def.steps.find((s) => s.id === result.stepId)!;
      if (Object.keys(result.errors).length === 0) return reply.redirect(stepHref(r.t, r.d, step.id), 303);
      // The answers as a whole do not hold (e.g. an earlier answer changed what this step needs): show that step with its messages.
      return renderStep(req, reply, r.t, r.d, r.def, step, bodyFromAnswers(step, r.d.answers), result.errors, filesByInput(await apps.files(r.d)), 422);
    }
    if (result.created) req.log.info({ submissionId: result.submission.id, reference: result.submission.reference, serviceId: r.def.id, loggedIn: !!citizen }, "application submitted");
    else req.log.info({ submissionId: result.submission.id }, "repeated submit: the application was submitted before");
    return reply.redirect(`${base(r.t, r.d)}/eingang${result.created ? "?neu=1" : ""}`, 303);
  });

  // ---- after submitting ----

  const confirmation = async (req: FastifyRequest, reply: FastifyReply, t: Tenant, s: Submission, opts: { receiptHref: string; statusUrl: string | undefined; justSubmitted: boolean; access: SubmissionAccess }) => {
    const def = await apps.definitionOf(s);
    const files = await apps.submissionFiles(s);
    const extra = (await Promise.all(sections().map((section) => section(req, t, s, opts.access)))).filter((x) => x !== undefined);
    return sendPage(ctx, req, reply, { title: opts.justSubmitted ? `Antrag eingegangen – ${s.reference}` : `${def.title} – ${s.reference}`, tenant: t, breadcrumbs: crumbs(t, def, opts.justSubmitted ? "Eingangsbestätigung" : s.reference) },
      <ConfirmationPage tenant={t} def={def} submission={s} files={files.map((f) => ({ name: f.file_name, size: f.size }))} receiptHref={s.receiptKey ? opts.receiptHref : undefined} statusUrl={opts.statusUrl} mineHref={s.accountId ? `/${t.slug}/mein-rathaus/antraege` : undefined} justSubmitted={opts.justSubmitted} extra={extra} />);
  };
  const submittedOf = async (req: FastifyRequest<DP>, reply: FastifyReply) => {
    const r = await draftFor(req, reply);
    if (isReply(r)) return r;
    if (r.d.status !== "submitted" || !r.d.submissionId) return reply.redirect(base(r.t, r.d), 303);
    const s = await apps.submission(r.t.id, r.d.submissionId);
    if (!s) throw notFound("Dieser Antrag");
    return { ...r, s };
  };
  app.get<DP & { Querystring: { neu?: string } }>("/:tenant/dienste/:serviceId/antrag/:draftId/eingang", async (req, reply) => {
    const r = await submittedOf(req, reply);
    if (isReply(r)) return r;
    return confirmation(req, reply, r.t, r.s, { receiptHref: `${base(r.t, r.d)}/eingang/quittung.pdf`, statusUrl: r.s.accountId ? undefined : statusUrl(r.t, r.s), justSubmitted: req.query.neu === "1", access: r.s.accountId ? { kind: "account" } : { kind: "link", token: apps.statusToken(r.s) } });
  });
  const sendReceipt = async (reply: FastifyReply, s: Submission) => {
    if (!s.receiptKey) throw new HttpError(404, "Die Eingangsbestätigung wird gerade erstellt. Bitte versuchen Sie es in einigen Sekunden erneut.");
    const pdf = await ctx.storage.read(s.receiptKey);
    return reply
      .header("cache-control", "private, no-store")
      .header("content-disposition", `attachment; filename="Eingangsbestaetigung-${s.reference}.pdf"`)
      .type("application/pdf")
      .send(pdf);
  };
  app.get<DP>("/:tenant/dienste/:serviceId/antrag/:draftId/eingang/quittung.pdf", async (req, reply) => {
    const r = await submittedOf(req, reply);
    if (isReply(r)) return r;
    return sendReceipt(reply, r.s);
  });
  const byStatusToken = async (req: FastifyRequest<TokenP>) => {
    const t = tenantOf(req);
    const s = await apps.submissionByStatusToken(t.id, req.params.token);
    if (!s) throw new HttpError(404, "Dieser Link ist ungültig. Bitte prüfen Sie, ob Sie ihn vollständig kopiert haben.", "unknown status token");
    return { t, s };
  };
  app.get<TokenP>("/:tenant/antrag/status/:token", async (req, reply) => {
    const { t, s } = await byStatusToken(req);
    return confirmation(req, reply, t, s, { receiptHref: `/${t.slug}/antrag/status/${req.params.token}/quittung.pdf`, statusUrl: undefined, justSubmitted: false, access: { kind: "link", token: req.params.token } });
  });
  app.get<TokenP>("/:tenant/antrag/status/:token/quittung.pdf", async (req, reply) => {
    const { s } = await byStatusToken(req);
    return sendReceipt(reply, s);
  });

  // ---- the fillable PDF ("beschreibbares Dokument") ----

  const pdfCache = new Map<string, Buffer>();
  const pdfPage = (t: Tenant, def: ServiceDefinition, csrf: string, error?: string) => (
    <PdfFormPage tenant={t} def={def} pdfHref={`/${t.slug}/dienste/${def.id}/formular.pdf`} action={`/${t.slug}/dienste/${def.id}/pdf-formular`} csrf={csrf} error={error} />
  );
  app.get<SP>("/:tenant/dienste/:serviceId/pdf-formular", (req, reply) =>
    sendCachedPage(ctx, req, reply, async () => {
      const t = tenantOf(req);
      const def = await catalogue.service(t.id, req.params.serviceId);
      if (!def) throw notFound("Dieser Online-Dienst");
      return { opts: { title: `${def.title}: ausfüllbares PDF`, tenant: t, breadcrumbs: crumbs(t, def, "Ausfüllbares PDF") }, body: pdfPage(t, def, csrfToken(ctx, req, `/${t.slug}/dienste/${def.id}/pdf-formular`)) };
    }, { ttlMs: FORM_PAGE_TTL_MS }),
  );
  app.get<SP>("/:tenant/dienste/:serviceId/formular.pdf", async (req, reply) => {
    const t = tenantOf(req);
    const def = await catalogue.service(t.id, req.params.serviceId);
    if (!def) throw notFound("Dieser Online-Dienst");
    const key = `${t.id}|${def.id}|${def.version}|${req.contentVersion}`;
    let pdf = pdfCache.get(key);
    if (!pdf) {
      pdf = await fillablePdfFor(def, { municipality: `${t.kind} ${t.name}`, createdAt: ctx.clock.now() });
      if (pdfCache.size > 200) pdfCache.clear();
      pdfCache.set(key, pdf);
    }
    return reply.header("cache-control", "public, max-age=3600").header("content-disposition", `attachment; filename="${def.id}.pdf"`).type("application/pdf").send(pdf);
  });
  app.post<SP>("/:tenant/dienste/:serviceId/pdf-formular", { config: { csrf: false }, bodyLimit: 11 * MB }, async (req, reply) => {
    // CSRF: checked from the form's first field by readMultipartForm.
    const t = tenantOf(req);
    const def = await catalogue.service(t.id, req.params.serviceId);
    if (!def) throw notFound("Dieser Online-Dienst");
    const action = `/${t.slug}/dienste/${def.id}/pdf-formular`;
    const form = await readMultipartForm(ctx, req, { fileSize: 10 * MB, files: 1, fields: 5 });
    const fail = (message: string, log: string) => {
      req.log.info({ serviceId: def.id }, `filled PDF refused: ${log}`);
      return sendPage(ctx, req, reply, { title: `Fehler: ${def.title}: ausfüllbares PDF`, tenant: t, breadcrumbs: crumbs(t, def, "Ausfüllbares PDF"), status: 422 }, pdfPage(t, def, csrfToken(ctx, req, action), message));
    };
    const file = form.files.find((f) => f.field === "pdf");
    if (!file) return fail("Bitte wählen Sie das ausgefüllte PDF-Formular aus.", "no file");
    if (file.truncated) return fail("Die Datei ist größer als 10 MB. Bitte laden Sie das ausgefüllte Formular hoch, nicht einen Scan.", "too large");
    const citizen = citizenOf(req);
    if (def.trustLevel !== "none" && !(citizen && meetsTrust(citizen.trustLevel, def.trustLevel))) {
      return fail("Für diesen Antrag müssen Sie sich zuerst mit Ihrem Servicekonto anmelden. Melden Sie sich an und laden Sie das PDF danach erneut hoch.", "login needed");
    }
    let values: Record<string, string | string[]>;
    try {
      values = await readPdfForm(file.data);
    } catch (err) {
      if (err instanceof PdfFormError) return fail(err.userMessage, err.code);
      throw err;
    }
    const body = bodyFromPdfForm(def, values);
    let draft: Draft;
    if (citizen) {
      draft = await apps.startFromBody(t, def, { accountId: citizen.accountId }, body);
    } else {
      draft = await apps.startFromBody(t, def, {}, body);
      await rememberDraft(req, reply, draft.id);
    }
    req.log.info({ draftId: draft.id, serviceId: def.id, fields: Object.keys(body).length }, "application started from a filled PDF");
    const next = apps.progress(def, draft).next;
    return reply.redirect(next ? `${stepHref(t, draft, next.id)}?hinweis=pdf` : `${base(t, draft)}/pruefen`, 303);
  });

  // ---- Mein Rathaus ----

  app.get<{ Params: { tenant: string } }>("/:tenant/mein-rathaus/antraege", { preHandler: citizenOnly("basic") }, async (req, reply) => {
    const t = tenantOf(req);
    const citizen = citizenOf(req)!;
    const mine = await apps.ofAccount(t.id, citizen.accountId);
    const titleOf = async (x: { serviceId: string; definitionVersion: number }) => (await apps.definitionOf(x)).title;
    const drafts = await Promise.all(mine.drafts.filter((d) => !apps.isExpired(d)).map(async (d) => ({ draft: d, title: await titleOf(d), href: base(t, d), discard: `${base(t, d)}/verwerfen` })));
    const submissions = await Promise.all(mine.submissions.map(async (s) => ({ submission: s, title: await titleOf(s), href: `/${t.slug}/dienste/${s.serviceId}/antrag/${s.draftId}/eingang` })));
    return sendPage(ctx, req, reply, { title: "Meine Anträge", tenant: t, breadcrumbs: [{ label: "Startseite", href: `/${t.slug}/` }, { label: "Mein Rathaus", href: `/${t.slug}/mein-rathaus/` }, { label: "Meine Anträge" }] },
      <MyApplicationsPage tenant={t} drafts={drafts} submissions={submissions} csrf={req.session!.csrfToken} />);
  });
}

/** The file fields of a step, with how often a repeatable group can hold them. */
function stepFileFields(step: StepDefinition): (import("../services/index.js").FieldDefinition & { repeatMax?: number })[] {
  const out: (import("../services/index.js").FieldDefinition & { repeatMax?: number })[] = [];
  for (const f of step.fields) {
    if (f.type === "file") out.push(f);
    for (const c of f.fields ?? []) if (c.type === "file") out.push({ ...c, ...(f.repeat ? { repeatMax: f.repeat.max } : {}) });
  }
  return out;
}

/** Answers with file fields replaced by the files stored now (the check page shows what will be sent). */
function withFiles(def: ServiceDefinition, answers: import("../services/index.js").Answers, files: Record<string, import("../services/index.js").FileRef[]>): import("../services/index.js").Answers {
  const out = { ...answers };
  for (const step of def.steps) {
    for (const f of step.fields) {
      if (f.type === "file") {
        if (files[f.id]?.length) out[f.id] = files[f.id]!;
        else delete out[f.id];
      }
    }
  }
  return out;
}

export { hasFileInput };
