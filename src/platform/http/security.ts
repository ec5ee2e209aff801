import type { FastifyInstance } from "fastify";
import type { Config } from "../../config.js";

/**
 * Security headers for every response. No inline scripts anywhere, so a fixed CSP without
 * per-request nonce (fast, cacheable); styles only from our files (tenant colours come from theme.css).
 */
export function setUpSecurityHeaders(app: FastifyInstance, config: Config): void {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join("; ");
  const headers: Record<string, string> = {
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
  };
  if (config.https) headers["strict-transport-security"] = "max-age=31536000; includeSubDomains";
  app.addHook("onRequest", (req, reply, done) => {
    reply.headers(headers);
    reply.header("x-request-id", req.id);
    done();
  });
}
