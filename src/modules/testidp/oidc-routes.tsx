import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { InteractionDetails, InteractionResults, KoaContext } from "oidc-provider";
import { h, type Child } from "../../platform/ui/jsx.js";
import type { AppContext } from "../../platform/context.js";
import { renderPage, sendPage } from "../../platform/http/pages.js";
import { csrfToken } from "../../platform/http/csrf.js";
import { INTERACTION_PREFIX, OIDC_PREFIX, clientOwner, oidcProvider, type OidcPages } from "./oidc.js";
import { acrRank, personaByKey, PERSONAS, STAFF_PERSONAS, type Persona } from "./personas.js";
import { LogoutConfirmPage, MessagePage, PAGE_TITLE, PersonaChooser } from "./views.js";

const LEVEL_WORDS: Record<string, string> = { "urn:rathaus:loa:basic": "niedrig", "urn:rathaus:loa:substantial": "substanziell", "urn:rathaus:loa:high": "hoch" };

/**
 * Mounts oidc-provider (a Koa app) under /idp/oidc and serves the interaction pages.
 *
 * The mount is an encapsulated plugin without body parsers: oidc-provider reads the request
 * body itself, so Fastify must leave the stream alone. The handler hijacks the reply, copies
 * the headers the platform has set so far (security headers, request id) onto the raw response,
 * strips the prefix from the URL (oidc-provider reads the mount path from `originalUrl`, as
 * under Express) and hands the raw request and response to the provider.
 */
export async function registerOidcRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const requests = new WeakMap<IncomingMessage, FastifyRequest>();
  const pages = oidcPages(ctx, requests);
  let handler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const provider = () => oidcProvider(ctx, pages);

  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_req, _payload, done) => done(null));
    const forward = async (req: FastifyRequest, reply: FastifyReply) => {
      handler ??= (await provider()).callback();
      reply.hijack();
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) reply.raw.setHeader(name, value as string | string[] | number);
      }
      const raw = req.raw as IncomingMessage & { originalUrl?: string };
      raw.originalUrl = raw.url;
      raw.url = raw.url!.slice(OIDC_PREFIX.length) || "/";
      // No single sign-on: an authorization (and its resumption after the persona page) ignores the
      // previous login session, so the persona is chosen every time and switching personas needs
      // no logout round trip; logout still finds the latest session.
      if (/^\/auth(?:\/[^/?]+)?(?:\?|$)/.test(raw.url) && raw.headers.cookie) raw.headers.cookie = withoutSessionCookie(raw.headers.cookie);
      requests.set(raw, req);
      try {
        await handler(raw, reply.raw);
      } catch (err) {
        // oidc-provider answers its own errors; this is for the unexpected (the reply is hijacked)
        req.log.error({ err }, "testidp oidc: provider failed");
        if (!reply.raw.headersSent) reply.raw.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        reply.raw.end();
      }
    };
    // oidc-provider protects its own forms (state, xsrf token, PKCE); the token, userinfo and
    // revocation endpoints are called server to server, without a form token.
    const route = { method: ["GET", "POST", "OPTIONS"] as ("GET" | "POST" | "OPTIONS")[], handler: forward, config: { csrf: false } };
    scope.route({ ...route, url: OIDC_PREFIX });
    scope.route({ ...route, url: `${OIDC_PREFIX}/*` });
  });

  app.get<{ Params: { uid: string } }>(`${INTERACTION_PREFIX}/:uid`, async (req, reply) => {
    const details = await interaction(ctx, req, reply, await provider());
    if (!details) return expired(ctx, req, reply);
    return chooser(ctx, req, reply, details);
  });

  app.post<{ Params: { uid: string }; Body: { persona?: string; aktion?: string } }>(`${INTERACTION_PREFIX}/:uid`, { bodyLimit: 8 * 1024 }, async (req, reply) => {
    const p = await provider();
    const details = await interaction(ctx, req, reply, p);
    if (!details) return expired(ctx, req, reply);
    let result: InteractionResults;
    if (req.body?.aktion === "abbrechen") {
      result = { error: "access_denied", error_description: "the end-user cancelled the login at the test identity provider" };
    } else {
      const persona = personaByKey(req.body?.persona, { staff: await isStaffClient(ctx, details) });
      if (!persona) return chooser(ctx, req, reply, details, "Bitte wählen Sie eine Testperson aus.");
      const required = requiredAcr(details);
      result =
        required && acrRank(persona.acr) < acrRank(required)
          ? { error: "access_denied", error_description: `the persona's level ${persona.acr} is lower than the requested acr_values (at least ${required})` }
          : { login: { accountId: persona.oidcSub, acr: persona.acr, amr: persona.amr, remember: false } };
    }
    const returnTo = await p.interactionResult(req.raw, reply.raw, result, { mergeWithLastSubmission: false });
    return reply.redirect(returnTo, 303);
  });
}

function withoutSessionCookie(cookie: string): string {
  return cookie
    .split(/;\s*/)
    .filter((c) => !/^_session(?:\.[a-z.]+)?=/.test(c))
    .join("; ");
}

async function interaction(ctx: AppContext, req: FastifyRequest<{ Params: { uid: string } }>, reply: FastifyReply, provider: Awaited<ReturnType<typeof oidcProvider>>): Promise<InteractionDetails | undefined> {
  try {
    const details = await provider.interactionDetails(req.raw, reply.raw);
    return details.uid === req.params.uid ? details : undefined;
  } catch (err) {
    req.log.info({ err: (err as Error).message }, "testidp oidc: interaction not found");
    return undefined;
  }
}

/**
 * acr_values lists acceptable values in order of preference (OIDC Core 3.1.2.1): the weakest
 * listed value we know is the minimum. Unknown values are ignored.
 */
function requiredAcr(details: InteractionDetails): string | undefined {
  const values = typeof details.params.acr_values === "string" ? details.params.acr_values.split(" ") : [];
  const known = values.filter((v) => acrRank(v) > 0).sort((a, b) => acrRank(a) - acrRank(b));
  return known[0];
}

/**
 * Is the client a municipality's staff provider (audience "staff" in the identity module)? Then
 * the staff personas are offered too; citizens' providers see the citizen personas only.
 */
async function isStaffClient(ctx: AppContext, details: InteractionDetails): Promise<boolean> {
  const owner = clientOwner(ctx, typeof details.params.client_id === "string" ? details.params.client_id : "");
  if (!owner || !ctx.modules.some((m) => m.name === "identity")) return false;
  const { identityService } = await import("../identity/index.js");
  const provider = await identityService(ctx).store.provider(owner.tenant.id, owner.providerKey);
  return provider?.audience === "staff";
}

async function chooser(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, details: InteractionDetails, error?: string): Promise<FastifyReply> {
  const clientId = typeof details.params.client_id === "string" ? details.params.client_id : "";
  const owner = clientOwner(ctx, clientId);
  const required = requiredAcr(details);
  const action = `${INTERACTION_PREFIX}/${details.uid}`;
  const staff = await isStaffClient(ctx, details);
  return sendPage(
    ctx,
    req,
    reply,
    { title: `${error ? "Fehler: " : ""}${PAGE_TITLE}: Anmeldung`, area: "public", status: error ? 400 : 200 },
    <PersonaChooser
      protocol={staff ? "das Konto der Verwaltung (OpenID Connect)" : "ein Servicekonto (OpenID Connect)"}
      personas={staff ? [...STAFF_PERSONAS, ...PERSONAS] : PERSONAS}
      serviceName={owner ? `Die ${owner.tenant.kind} ${owner.tenant.name}` : `Der Dienst „${clientId}“`}
      action={action}
      csrf={csrfToken(ctx, req, action)}
      hidden={{}}
      required={required ? { text: `${LEVEL_WORDS[required]} (${required})`, meets: (p: Persona) => acrRank(p.acr) >= acrRank(required) } : undefined}
      levelName={(p: Persona) => p.acr}
      error={error}
    />,
  );
}

function expired(ctx: AppContext, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendPage(
    ctx,
    req,
    reply,
    { title: `${PAGE_TITLE}: Anmeldung abgelaufen`, area: "public", status: 400 },
    <MessagePage
      heading="Die Anmeldung ist abgelaufen"
      text="Diese Anmeldung ist nicht mehr gültig oder wurde schon abgeschlossen. Bitte starten Sie die Anmeldung beim Dienst neu."
    />,
  );
}

/** oidc-provider's own pages (errors, logout) in our layout. */
function oidcPages(ctx: AppContext, requests: WeakMap<IncomingMessage, FastifyRequest>): OidcPages {
  const render = (kctx: KoaContext, title: string, body: Child) => {
    const req = requests.get(kctx.req);
    kctx.state.testidpPage = true;
    kctx.type = "html";
    kctx.body = req
      ? renderPage(ctx, req, { title: `${PAGE_TITLE}: ${title}`, area: "public" }, body)
      : `<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>${PAGE_TITLE}</title></head><body><p>Testsystem – keine echte Anmeldung. ${title}</p></body></html>`;
  };
  return {
    error(kctx, out) {
      const detail = [out.error, out.error_description].filter((v) => typeof v === "string").join(": ");
      render(
        kctx,
        "Fehler",
        <MessagePage
          heading="Die Anfrage konnte nicht bearbeitet werden"
          text="Der Servicekonto-Simulator kann diese Anfrage nicht beantworten. Bitte starten Sie die Anmeldung beim Dienst neu."
          detail={detail || undefined}
        />,
      );
    },
    logoutConfirm(kctx, form) {
      const client = kctx.oidc?.client as { clientName?: string } | undefined;
      render(kctx, "Abmelden", <LogoutConfirmPage form={form} serviceName={client?.clientName ?? "Der Dienst"} />);
    },
    loggedOut(kctx) {
      render(kctx, "Abgemeldet", <MessagePage heading="Sie sind abgemeldet" text="Sie sind beim Servicekonto-Simulator abgemeldet." />);
    },
  };
}

