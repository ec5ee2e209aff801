import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { sendPage } from "../../platform/http/pages.js";
import { HttpError, notFound } from "../../platform/http/errors.js";
import { csrfToken } from "../../platform/http/csrf.js";
import { readMultipartForm } from "../../platform/http/multipart.js";
import { citizenOf, citizenOnly } from "../../platform/auth/citizen.js";
import { sniffType, acceptsType } from "../../platform/storage/sniff.js";
import type { VirusScanner } from "../../platform/storage/virus-scan.js";
import { applications, registerSubmissionSection, type Submission, type SubmissionAccess } from "../applications/index.js";
import type { Case, CaseService, CheckedFile } from "./service.js";
import { AnswerErrorPage, ApplicantCaseSection } from "./views/citizen.js";

const MB = 1024 * 1024;
const ACCEPT = ["application/pdf", "image/jpeg", "image/png"];
const MAX_FILES = 5;

/**
 * The applicant's side of a case, reached two ways: logged in (the case belongs to the account)
 * or through the secret status link of an anonymous application. Both show the same section on
 * the submission page and accept answers with documents.
 */
export function registerCitizenRoutes(app: FastifyInstance, ctx: AppContext, cases: CaseService, scanner: VirusScanner): void {
  const tenantOf = (req: FastifyRequest): Tenant => {
    if (!req.tenant) throw notFound("Diese Kommune");
    return req.tenant;
  };
  const baseOf = (t: Tenant, c: Case, access: SubmissionAccess) => (access.kind === "account" ? `/${t.slug}/mein-rathaus/vorgaenge/${c.id}` : `/${t.slug}/antrag/status/${access.token}`);
  const pageOf = (t: Tenant, s: Submission, access: SubmissionAccess) => (access.kind === "account" ? `/${t.slug}/dienste/${s.serviceId}/antrag/${s.draftId}/eingang` : `/${t.slug}/antrag/status/${access.token}`);

  registerSubmissionSection(ctx, async (req, t, s, access) => {
    const c = await cases.store.caseOfSubmission(t.id, s.id);
    if (!c) return undefined;
    const v = await cases.applicantView(c);
    const b = baseOf(t, c, access);
    const action = `${b}/antwort`;
    return (
      <ApplicantCaseSection
        v={{
          stateLabel: v.stateLabel,
          closed: !!c.closed_at,
          awaitsCitizen: v.awaitsCitizen,
          events: v.events.map((e) => ({ at: e.at, who: e.actor_type === "citizen" ? "" : e.actor_name ?? "", text: e.text ?? "" })),
          messages: v.messages.map((m) => ({ direction: m.direction, text: m.text, at: m.created_at })),
          bescheide: v.files.filter((f) => f.kind === "bescheid").map((f) => ({ href: `${b}/dateien/${f.id}`, title: f.title, at: f.created_at })),
          answerFiles: v.files.filter((f) => f.kind === "answer").map((f) => ({ name: f.file_name, at: f.created_at })),
          answerAction: action,
          csrf: csrfToken(ctx, req, action),
        }}
      />
    );
  });

  /** The case of an account's URL: only the owner, logged in here, gets it. */
  const ownCase = async (req: FastifyRequest<{ Params: { tenant: string; caseId: string } }>) => {
    const t = tenantOf(req);
    const citizen = citizenOf(req);
    const c = await cases.get(t.id, req.params.caseId);
    if (!c || !citizen || c.account_id !== citizen.accountId) throw notFound("Dieser Vorgang");
    const s = await applications(ctx).submission(t.id, c.submission_id);
    if (!s) throw notFound("Dieser Vorgang");
    return { t, c, s, access: { kind: "account" } as SubmissionAccess };
  };
  /** The case behind a secret status link. */
  const linkedCase = async (req: FastifyRequest<{ Params: { tenant: string; token: string } }>) => {
    const t = tenantOf(req);
    const s = await applications(ctx).submissionByStatusToken(t.id, req.params.token);
    const c = s ? await cases.store.caseOfSubmission(t.id, s.id) : undefined;
    if (!s || !c) throw new HttpError(404, "Dieser Link ist ungültig. Bitte prüfen Sie, ob Sie ihn vollständig kopiert haben.", "unknown status token");
    return { t, c, s, access: { kind: "link", token: req.params.token } as SubmissionAccess };
  };

  const receiveAnswer = async (req: FastifyRequest, reply: FastifyReply, x: { t: Tenant; c: Case; s: Submission; access: SubmissionAccess }) => {
    const action = `${baseOf(x.t, x.c, x.access)}/antwort`;
    const form = await readMultipartForm(ctx, req, { fileSize: 10 * MB, files: MAX_FILES + 1, fields: 5 });
    const text = typeof form.fields.antwort === "string" ? form.fields.antwort : "";
    const fail = (errors: Record<string, string>, log: string) => {
      req.log.info({ caseId: x.c.id }, `answer refused: ${log}`);
      return sendPage(ctx, req, reply, { title: "Fehler: Antwort senden", tenant: x.t, status: 422 }, <AnswerErrorPage action={action} backHref={pageOf(x.t, x.s, x.access)} csrf={csrfToken(ctx, req, action)} errors={errors} text={text} />);
    };
    const files = form.files.filter((f) => f.field === "dokumente");
    if (files.length > MAX_FILES) return fail({ dokumente: `Sie können höchstens ${MAX_FILES} Dateien auf einmal senden.` }, "too many files");
    const checked: CheckedFile[] = [];
    for (const f of files) {
      const label = `„${f.fileName || "ohne Namen"}“`;
      if (f.truncated) return fail({ dokumente: `Die Datei ${label} ist größer als 10 MB. Bitte verkleinern Sie sie.` }, "file too large");
      const type = sniffType(f.data);
      if (!type || !acceptsType(ACCEPT, type.mime)) return fail({ dokumente: `Die Datei ${label} ist kein PDF, JPEG oder PNG. Wir prüfen den Inhalt der Datei, nicht nur ihren Namen.` }, `type ${type?.mime ?? "unknown"}`);
      const scan = await scanner.scan(f.data);
      if (scan.status === "infected") return fail({ dokumente: `Die Datei ${label} enthält Schadsoftware und wurde nicht angenommen.` }, `virus ${scan.signature}`);
      if (scan.status === "error") {
        req.log.error({ caseId: x.c.id, err: scan.message }, "virus scan failed");
        return fail({ dokumente: "Die Dateien konnten gerade nicht auf Schadsoftware geprüft werden. Bitte versuchen Sie es in einigen Minuten erneut." }, "scan error");
      }
      checked.push({ fileName: f.fileName.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f"<>|:*?]/g, "").slice(0, 120) || "dokument", contentType: type.mime, data: f.data });
    }
    const r = await cases.citizenAnswer(x.t, x.c, text, checked, { accountId: x.c.account_id });
    if (!r.ok) return fail("conflict" in r ? { antwort: "Ihre Antwort konnte gerade nicht gespeichert werden. Bitte senden Sie sie erneut." } : r.errors, "invalid");
    req.log.info({ caseId: x.c.id, files: checked.length }, "applicant answered");
    return reply.redirect(`${pageOf(x.t, x.s, x.access)}?beantwortet=1`, 303);
  };

  // CSRF for both: checked from the multipart form's first field (readMultipartForm).
  app.post<{ Params: { tenant: string; caseId: string } }>("/:tenant/mein-rathaus/vorgaenge/:caseId/antwort", { preHandler: citizenOnly("basic"), config: { csrf: false }, bodyLimit: 60 * MB }, async (req, reply) => receiveAnswer(req, reply, await ownCase(req)));
  app.post<{ Params: { tenant: string; token: string } }>("/:tenant/antrag/status/:token/antwort", { config: { csrf: false }, bodyLimit: 60 * MB }, async (req, reply) => receiveAnswer(req, reply, await linkedCase(req)));

  const sendCaseFile = async (reply: FastifyReply, c: Case, fileId: string) => {
    const f = await cases.store.file(c.tenant_id, c.id, fileId);
    if (!f) throw notFound("Diese Datei");
    if (f.kind === "bescheid") await cases.markRead(c, f);
    return reply.header("cache-control", "private, no-store").header("content-disposition", `attachment; filename="${f.file_name.replace(/[^\w.-]/g, "_")}"`).header("x-content-type-options", "nosniff").type(f.content_type).send(await ctx.storage.read(f.storage_key));
  };
  app.get<{ Params: { tenant: string; caseId: string; fileId: string } }>("/:tenant/mein-rathaus/vorgaenge/:caseId/dateien/:fileId", { preHandler: citizenOnly("basic") }, async (req, reply) => {
    const { c } = await ownCase(req);
    return sendCaseFile(reply, c, req.params.fileId);
  });
  app.get<{ Params: { tenant: string; token: string; fileId: string } }>("/:tenant/antrag/status/:token/dateien/:fileId", async (req, reply) => {
    const { c } = await linkedCase(req);
    return sendCaseFile(reply, c, req.params.fileId);
  });
}
