import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import { sendPage } from "../../platform/http/pages.js";
import { csrfToken } from "../../platform/http/csrf.js";
import { personaByKey, storkRank, STORK_LEVELS, type Persona } from "./personas.js";
import { SAML_PATHS, SamlRequestError, idpMetadataXml } from "./saml-idp.js";
import { acceptAuthnRequest, answerLogoutRequest, failureResponse, loginResponse, meetsLevel, openPending, sealPending, type PendingLogin } from "./saml.js";
import { MessagePage, PAGE_TITLE, PersonaChooser, ResponseFormPage } from "./views.js";

const LEVEL_WORDS = ["", "niedrig", "niedrig", "substanziell", "hoch"];

export function registerSamlRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get(SAML_PATHS.metadata, async (_req, reply) =>
    reply.type("application/samlmetadata+xml; charset=utf-8").header("cache-control", "public, max-age=300").send(await idpMetadataXml(ctx)),
  );

  // HTTP-Redirect binding: the signed AuthnRequest is checked, then a persona is chosen.
  app.get(SAML_PATHS.sso, async (req, reply) => {
    let pending: PendingLogin;
    try {
      pending = await acceptAuthnRequest(ctx, req.url);
    } catch (err) {
      return refused(ctx, req, reply, err);
    }
    return chooser(ctx, req, reply, pending);
  });

  app.post<{ Body: { pending?: string; persona?: string; aktion?: string } }>(SAML_PATHS.login, { bodyLimit: 16 * 1024 }, async (req, reply) => {
    const pending = openPending(ctx, req.body?.pending);
    if (!pending) {
      return sendPage(
        ctx,
        req,
        reply,
        { title: `${PAGE_TITLE}: Anmeldung abgelaufen`, area: "public", status: 400 },
        <MessagePage heading="Die Anmeldung ist abgelaufen" text="Diese Anmeldung ist nicht mehr gültig. Bitte starten Sie die Anmeldung beim Dienst neu." />,
      );
    }
    let samlResponse: string;
    let outcome: { heading: string; text: string };
    try {
      if (req.body?.aktion === "abbrechen") {
        samlResponse = await failureResponse(ctx, pending, "Die Anmeldung wurde abgebrochen.");
        outcome = { heading: "Anmeldung abgebrochen", text: `Sie haben die Anmeldung abgebrochen und kehren jetzt zum Dienst zurück (${pending.service}).` };
      } else {
        const persona = personaByKey(req.body?.persona);
        if (!persona) return chooser(ctx, req, reply, pending, "Bitte wählen Sie eine Testperson aus.");
        samlResponse = await loginResponse(ctx, pending, persona);
        outcome = meetsLevel(pending, persona)
          ? { heading: "Anmeldung erfolgreich", text: `Sie sind als ${persona.label} angemeldet und kehren jetzt zum Dienst zurück (${pending.service}).` }
          : {
              heading: "Anmeldung abgelehnt",
              text: `Das Vertrauensniveau von ${persona.label} reicht für diese Anmeldung nicht aus. Sie kehren jetzt zum Dienst zurück (${pending.service}).`,
            };
      }
    } catch (err) {
      return refused(ctx, req, reply, err);
    }
    allowFormTarget(ctx, reply, pending.acs);
    return sendPage(
      ctx,
      req,
      reply,
      { title: `${PAGE_TITLE}: ${outcome.heading}`, area: "public" },
      <ResponseFormPage
        heading={outcome.heading}
        text={outcome.text}
        action={pending.acs}
        fields={{ SAMLResponse: samlResponse, ...(pending.relayState !== undefined ? { RelayState: pending.relayState } : {}) }}
      />,
    );
  });

  // Single logout over HTTP-Redirect; answered over Redirect or POST, whichever the SP's metadata offers.
  app.get(SAML_PATHS.slo, async (req, reply) => {
    try {
      const answer = await answerLogoutRequest(ctx, req.url);
      if ("redirect" in answer) return reply.header("cache-control", "no-store").redirect(answer.redirect, 303);
      allowFormTarget(ctx, reply, answer.post.action);
      return sendPage(
        ctx,
        req,
        reply,
        { title: `${PAGE_TITLE}: Abgemeldet`, area: "public" },
        <ResponseFormPage heading="Sie sind abgemeldet" text="Sie sind beim Servicekonto-Simulator abgemeldet und kehren jetzt zum Dienst zurück." action={answer.post.action} fields={answer.post.fields} />,
      );
    } catch (err) {
      return refused(ctx, req, reply, err);
    }
  });
}

function chooser(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, pending: PendingLogin, error?: string): FastifyReply {
  const min = pending.minLevel;
  const required = min !== undefined ? STORK_LEVELS[Math.min(min, 4) - 1] : undefined;
  return sendPage(
    ctx,
    req,
    reply,
    { title: `${error ? "Fehler: " : ""}${PAGE_TITLE}: Anmeldung`, area: "public", status: error ? 400 : 200 },
    <PersonaChooser
      protocol="die BundID (SAML 2.0)"
      serviceName={pending.service}
      action={SAML_PATHS.login}
      csrf={csrfToken(ctx, req, SAML_PATHS.login)}
      hidden={{ pending: sealPending(ctx, pending) }}
      required={required ? { text: `${LEVEL_WORDS[min!]} (${required})`, meets: (p: Persona) => storkRank(p.storkLevel) >= min! } : undefined}
      levelName={(p: Persona) => p.storkLevel}
      error={error}
    />,
  );
}

function refused(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  if (!(err instanceof SamlRequestError)) throw err;
  req.log.info({ detail: err.detail }, "testidp saml: request refused");
  return sendPage(
    ctx,
    req,
    reply,
    { title: `${PAGE_TITLE}: Anfrage abgelehnt`, area: "public", status: 400 },
    <MessagePage
      heading="Die Anfrage des Dienstes wurde abgelehnt"
      text="Die SAML-Nachricht des Dienstes ist ungültig oder passt nicht zu seinen Metadaten. Eine echte BundID würde sie ebenso ablehnen."
      detail={err.detail}
    />,
  );
}

/**
 * The response form posts to the service's ACS URL. It is on this installation (BASE_URL), so
 * `form-action 'self'` allows it; should it be elsewhere, this one page allows that origin too.
 */
function allowFormTarget(ctx: AppContext, reply: FastifyReply, target: string): void {
  const origin = new URL(target).origin;
  if (origin === new URL(ctx.config.baseUrl).origin) return;
  const csp = reply.getHeader("content-security-policy");
  if (typeof csp === "string") reply.header("content-security-policy", csp.replace("form-action 'self'", `form-action 'self' ${origin}`));
}
