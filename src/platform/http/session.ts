import type { FastifyReply, FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import { randomToken, sha256 } from "../ids.js";
import type { StaffAccount } from "../auth/accounts.js";

declare module "../db/schema.js" {
  interface Database {
    sessions: {
      id_hash: string;
      kind: string;
      staff_account_id: string | null;
      subject_id: string | null;
      csrf_token: string;
      data: string;
      created_at: string;
      last_seen_at: string;
      expires_at: string;
    };
  }
}

export const SESSION_COOKIE = "rathaus_sid";
const IDLE_MS = 2 * 60 * 60 * 1000;
const ABSOLUTE_MS = 12 * 60 * 60 * 1000;

export interface Session {
  idHash: string;
  /** "staff-mfa": password accepted, second factor pending; never accepted by staffOnly() */
  kind: "staff" | "staff-mfa" | "citizen" | "form";
  staffAccountId: string | null;
  subjectId: string | null;
  csrfToken: string;
  data: Record<string, unknown>;
}

declare module "fastify" {
  interface FastifyRequest {
    session: Session | undefined;
    staff: StaffAccount | undefined;
  }
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (!k || k in out) continue;
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      out[k] = part.slice(i + 1).trim();
    }
  }
  return out;
}

function cookie(ctx: AppContext, value: string, maxAgeSec: number): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSec}${ctx.config.https ? "; Secure" : ""}`;
}

/**
 * Server-side sessions in the database. Anonymous visitors get none and no cookie:
 * a session starts only at login or when a form is started.
 */
export class Sessions {
  constructor(private readonly ctx: AppContext) {}

  async load(req: FastifyRequest): Promise<void> {
    req.session = undefined;
    req.staff = undefined;
    const raw = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (!raw || raw.length > 100) return;
    const idHash = sha256(raw);
    const now = this.ctx.clock.now();
    const row = await this.ctx.db.kysely.selectFrom("sessions").selectAll().where("id_hash", "=", idHash).executeTakeFirst();
    if (!row || row.expires_at <= now.toISOString() || new Date(row.last_seen_at).getTime() + IDLE_MS <= now.getTime()) return;
    req.session = {
      idHash,
      kind: row.kind as Session["kind"],
      staffAccountId: row.staff_account_id,
      subjectId: row.subject_id,
      csrfToken: row.csrf_token,
      data: JSON.parse(row.data) as Record<string, unknown>,
    };
    if (row.staff_account_id) req.staff = await this.ctx.accounts.byId(row.staff_account_id);
    // Touch at most once a minute, so busy staff pages do not write on every request.
    if (now.getTime() - new Date(row.last_seen_at).getTime() > 60_000) {
      await this.ctx.db.kysely.updateTable("sessions").set({ last_seen_at: now.toISOString() }).where("id_hash", "=", idHash).execute();
    }
  }

  /** Starts a fresh session (a new id on every login: no session fixation). */
  async start(req: FastifyRequest, reply: FastifyReply, init: { kind: Session["kind"]; staffAccountId?: string; subjectId?: string; data?: Record<string, unknown> }): Promise<Session> {
    if (req.session) await this.destroy(req, reply);
    const raw = randomToken(32);
    const now = this.ctx.clock.now();
    const session: Session = {
      idHash: sha256(raw),
      kind: init.kind,
      staffAccountId: init.staffAccountId ?? null,
      subjectId: init.subjectId ?? null,
      csrfToken: randomToken(24),
      data: init.data ?? {},
    };
    await this.ctx.db.kysely
      .insertInto("sessions")
      .values({
        id_hash: session.idHash,
        kind: session.kind,
        staff_account_id: session.staffAccountId,
        subject_id: session.subjectId,
        csrf_token: session.csrfToken,
        data: JSON.stringify(session.data),
        created_at: now.toISOString(),
        last_seen_at: now.toISOString(),
        expires_at: new Date(now.getTime() + ABSOLUTE_MS).toISOString(),
      })
      .execute();
    reply.header("set-cookie", cookie(this.ctx, raw, ABSOLUTE_MS / 1000));
    req.session = session;
    if (session.staffAccountId) req.staff = await this.ctx.accounts.byId(session.staffAccountId);
    return session;
  }

  async save(session: Session): Promise<void> {
    await this.ctx.db.kysely.updateTable("sessions").set({ data: JSON.stringify(session.data) }).where("id_hash", "=", session.idHash).execute();
  }

  async destroy(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (req.session) await this.ctx.db.kysely.deleteFrom("sessions").where("id_hash", "=", req.session.idHash).execute();
    req.session = undefined;
    req.staff = undefined;
    reply.header("set-cookie", cookie(this.ctx, "", 0));
  }

  async purgeExpired(): Promise<number> {
    const now = this.ctx.clock.now();
    const res = await this.ctx.db.kysely
      .deleteFrom("sessions")
      .where((eb) => eb.or([eb("expires_at", "<=", now.toISOString()), eb("last_seen_at", "<=", new Date(now.getTime() - IDLE_MS).toISOString())]))
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
