import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { h } from "../ui/jsx.js";
import type { AppContext } from "../context.js";
import { HttpError, STATUS_MESSAGES, STATUS_TITLES } from "./errors.js";
import { renderPage } from "./pages.js";

function wantsJson(req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? "";
  return req.url.startsWith("/api/") || req.url.startsWith("/oparl/") || (accept.includes("application/json") && !accept.includes("text/html"));
}

export function sendError(ctx: AppContext, req: FastifyRequest, reply: FastifyReply, status: number, message?: string): FastifyReply {
  const title = STATUS_TITLES[status] ?? STATUS_TITLES[500]!;
  const text = message ?? STATUS_MESSAGES[status] ?? STATUS_MESSAGES[500]!;
  reply.header("cache-control", "no-store");
  if (wantsJson(req)) return reply.code(status).type("application/json; charset=utf-8").send({ error: title, message: text, requestId: req.id });
  const html = renderPage(
    ctx,
    req,
    { title, tenant: req.tenant, area: req.url.includes("/verwaltung") ? "staff" : "public", status },
    <div className="error-page">
      <h1 className="kern-heading-large">{title}</h1>
      <p className="kern-body kern-body--large">{text}</p>
      <p className="kern-body">
        {req.tenant ? <a className="kern-link" href={`/${req.tenant.slug}/`}>Zur Startseite der {req.tenant.kind} {req.tenant.name}</a> : <a className="kern-link" href="/">Zur Startseite</a>}
      </p>
      <p className="kern-body kern-body--small">
        Wenn Sie uns kontaktieren, nennen Sie bitte diese Vorgangskennung: <code>{req.id}</code>
      </p>
    </div>,
  );
  return reply.code(status).type("text/html; charset=utf-8").send(html);
}

export function setUpErrorHandling(app: FastifyInstance, ctx: AppContext): void {
  app.setNotFoundHandler((req, reply) => sendError(ctx, req, reply, 404));
  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError) {
      if (err.statusCode >= 500) req.log.error({ err }, "request failed");
      else req.log.info({ status: err.statusCode, detail: err.logDetail }, "request refused");
      return sendError(ctx, req, reply, err.statusCode, err.userMessage);
    }
    const status = typeof err.statusCode === "number" && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) req.log.error({ err }, "request failed");
    else req.log.info({ status, code: err.code, message: err.message }, "bad request");
    // Validation and parser messages are technical: the user sees the German text for the status.
    return sendError(ctx, req, reply, status);
  });
}
