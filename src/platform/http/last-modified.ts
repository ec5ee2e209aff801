import type { onSendHookHandler } from "fastify";

/**
 * An onSend hook for cached feeds: Last-Modified read back from the response body itself (e.g. an
 * Atom <updated>, a calendar's LAST-MODIFIED), so a render-cache hit needs no query; answers
 * If-Modified-Since with 304 when the request has no If-None-Match (which takes precedence,
 * RFC 9110 13.1.3).
 */
export function lastModifiedFromBody(read: (head: string) => Date | undefined): onSendHookHandler {
  return (req, reply, payload, done) => {
    if (reply.statusCode !== 200) return done(null, payload);
    const head = Buffer.isBuffer(payload) ? payload.toString("utf8", 0, 2048) : typeof payload === "string" ? payload.slice(0, 2048) : undefined;
    const at = head ? read(head) : undefined;
    if (!at) return done(null, payload);
    const seconds = Math.floor(at.getTime() / 1000) * 1000;
    reply.header("last-modified", new Date(seconds).toUTCString());
    const since = req.headers["if-modified-since"];
    if (since && req.headers["if-none-match"] === undefined) {
      const t = Date.parse(since);
      if (!Number.isNaN(t) && seconds <= t) {
        reply.code(304).removeHeader("content-type");
        return done(null, "");
      }
    }
    done(null, payload);
  };
}
