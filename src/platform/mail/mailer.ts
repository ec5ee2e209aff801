import nodemailer from "nodemailer";
import type { Transporter } from "nodemailer";
import type { Selectable } from "kysely";
import type { Clock } from "../clock.js";
import type { Db, Executor } from "../db/index.js";
import type { Migration } from "../db/migrate.js";
import { newId } from "../ids.js";
import type { JobQueue, Log } from "../jobs/queue.js";
import type { JobDefinition } from "../jobs/types.js";

/**
 * Outgoing e-mail: every message is stored in `mail_outbox` and sent by the "mail.send" job,
 * so a message is never lost when the mail server is down (the queue retries with back-off),
 * and it commits or rolls back together with the change that caused it (pass the transaction).
 *
 * THE RULE: an e-mail carries no application content and no personal data beyond the
 * recipient's name — only a reference number and a link to the platform, where the person
 * signs in to read the rest. Callers are responsible for what they put into subject and text;
 * the mailer is only the transport (and keeps the job payload to the outbox row's id).
 *
 * Without an SMTP URL (demo mode, or no mail server configured) messages end in status
 * 'outbox', and the demo outbox page shows what would have been sent.
 */

export type MailStatus = "queued" | "sent" | "outbox" | "failed";

export interface MailOutboxTable {
  id: string;
  tenant_id: string | null;
  to_address: string;
  to_name: string | null;
  subject: string;
  body_text: string;
  reference: string | null;
  status: MailStatus;
  created_at: string;
  sent_at: string | null;
  error: string | null;
  /** RFC 2369/8058: the one-click unsubscribe URL of a mail someone subscribed to (alerts); null for others */
  list_unsubscribe: string | null;
}

declare module "../db/schema.js" {
  interface Database {
    mail_outbox: MailOutboxTable;
  }
}

export const mailMigrations: Migration[] = [
  {
    name: "mail.001_create",
    async up(db, { types }) {
      await db.schema
        .createTable("mail_outbox")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text")
        .addColumn("to_address", "text", (c) => c.notNull())
        .addColumn("to_name", "text")
        .addColumn("subject", "text", (c) => c.notNull())
        .addColumn("body_text", "text", (c) => c.notNull())
        .addColumn("reference", "text")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("sent_at", types.instant)
        .addColumn("error", "text")
        .execute();
      await db.schema.createIndex("mail_outbox_tenant_idx").on("mail_outbox").columns(["tenant_id", "created_at"]).execute();
      await db.schema.createIndex("mail_outbox_created_idx").on("mail_outbox").column("created_at").execute();
    },
  },
  {
    name: "mail.002_list_unsubscribe",
    async up(db) {
      await db.schema.alterTable("mail_outbox").addColumn("list_unsubscribe", "text").execute();
    },
  },
];

export interface MailMessage {
  tenantId?: string | null;
  to: string;
  toName?: string;
  subject: string;
  /** plain text: a greeting, the reference number and a link — no application content */
  text: string;
  /** the human reference number the mail is about, e.g. "USI-2026-000123" */
  reference?: string;
  /**
   * for mails someone subscribed to (alerts): an absolute https/http URL that unsubscribes with
   * one POST; sent as List-Unsubscribe with List-Unsubscribe-Post (RFC 8058)
   */
  unsubscribeUrl?: string;
}

export interface OutboxMail {
  id: string;
  tenantId: string | null;
  to: string;
  toName: string | null;
  subject: string;
  text: string;
  reference: string | null;
  status: MailStatus;
  createdAt: string;
  sentAt: string | null;
  error: string | null;
}

export const MAIL_SEND_JOB = "mail.send";
export const MAIL_MAX_ATTEMPTS = 8;

/** A sane address: local@domain.tld, no spaces or angle brackets, at most 254 characters. */
const ADDRESS_RE =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?)+$/u;

export function isValidAddress(address: string): boolean {
  return typeof address === "string" && address.length <= 254 && ADDRESS_RE.test(address) && !address.includes("..");
}

export class InvalidAddressError extends Error {
  constructor() {
    super("Die E-Mail-Adresse ist ungültig.");
    this.name = "InvalidAddressError";
  }
}

/** Header values must stay on one line. */
function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, " ").trim();
}

function toOutboxMail(r: Selectable<MailOutboxTable>): OutboxMail {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    to: r.to_address,
    toName: r.to_name,
    subject: r.subject,
    text: r.body_text,
    reference: r.reference,
    status: r.status,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    error: r.error,
  };
}

export class Mailer {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly jobs: JobQueue;
  private readonly smtpUrl: string | undefined;
  private readonly from: string;
  private readonly log: Log;
  private transporter: Transporter | undefined;

  constructor(opts: { db: Db; clock: Clock; jobs: JobQueue; smtpUrl?: string | undefined; from: string; log: Log }) {
    this.db = opts.db;
    this.clock = opts.clock;
    this.jobs = opts.jobs;
    this.smtpUrl = opts.smtpUrl || undefined;
    this.from = opts.from;
    this.log = opts.log;
  }

  /** true when messages really leave the system (an SMTP server is configured) */
  get delivers(): boolean {
    return this.smtpUrl !== undefined;
  }

  /**
   * Stores the message and enqueues its delivery (in `trx` when given, so it is only sent if
   * the caller's change commits). Returns the outbox id. Throws InvalidAddressError.
   */
  async send(msg: MailMessage, trx?: Executor): Promise<string> {
    const to = typeof msg.to === "string" ? msg.to.trim() : "";
    if (!isValidAddress(to)) throw new InvalidAddressError();
    const subject = oneLine(msg.subject ?? "");
    if (!subject) throw new Error("mail subject is empty");
    if (typeof msg.text !== "string" || msg.text.trim() === "") throw new Error("mail text is empty");
    let unsubscribe: string | null = null;
    if (msg.unsubscribeUrl !== undefined) {
      const u = URL.canParse(msg.unsubscribeUrl) ? new URL(msg.unsubscribeUrl) : undefined;
      if (!u || (u.protocol !== "https:" && u.protocol !== "http:") || /[<>\s]/.test(msg.unsubscribeUrl)) throw new Error("mail unsubscribe URL must be an absolute http(s) URL");
      unsubscribe = u.href;
    }
    const id = newId(this.clock);
    const write = async (ex: Executor) => {
      await ex
        .insertInto("mail_outbox")
        .values({
          id,
          tenant_id: msg.tenantId ?? null,
          to_address: to,
          to_name: msg.toName ? oneLine(msg.toName) || null : null,
          subject,
          body_text: msg.text,
          reference: msg.reference ? oneLine(msg.reference) : null,
          status: "queued",
          created_at: this.clock.now().toISOString(),
          sent_at: null,
          error: null,
          list_unsubscribe: unsubscribe,
        })
        .execute();
      await this.jobs.enqueue(MAIL_SEND_JOB, { mailId: id }, { tenantId: msg.tenantId ?? null }, ex);
    };
    if (trx) await write(trx);
    else await this.db.tx(write);
    return id;
  }

  /** The "mail.send" job: delivers one outbox row. Throws so the queue retries. */
  async deliver(mailId: string, attempt: number, maxAttempts = MAIL_MAX_ATTEMPTS): Promise<void> {
    const row = await this.db.kysely.selectFrom("mail_outbox").selectAll().where("id", "=", mailId).executeTakeFirst();
    if (!row) {
      this.log.warn({ mailId }, "mail to send not found");
      return;
    }
    if (row.status === "sent" || row.status === "outbox") return; // already done (a repeated job)
    if (!this.smtpUrl) {
      await this.db.kysely
        .updateTable("mail_outbox")
        .set({ status: "outbox", sent_at: this.clock.now().toISOString(), error: null })
        .where("id", "=", mailId)
        .execute();
      this.log.info({ mailId }, "mail kept in the outbox (no SMTP server configured)");
      return;
    }
    try {
      await this.transport().sendMail({
        from: this.from,
        to: row.to_name ? { name: row.to_name, address: row.to_address } : row.to_address,
        subject: row.subject,
        text: row.body_text,
        ...(row.list_unsubscribe ? { headers: { "List-Unsubscribe": `<${row.list_unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" } } : {}),
      });
    } catch (err) {
      // SMTP replies often quote the address; keep it out of job errors and logs
      const raw = err instanceof Error ? err.message : String(err);
      const message = raw.split(row.to_address).join("<Empfänger>").slice(0, 2000);
      const exhausted = attempt >= maxAttempts;
      await this.db.kysely
        .updateTable("mail_outbox")
        .set({ error: message, ...(exhausted ? { status: "failed" as const } : {}) })
        .where("id", "=", mailId)
        .execute();
      throw new Error(`mail delivery failed: ${message}`);
    }
    await this.db.kysely
      .updateTable("mail_outbox")
      .set({ status: "sent", sent_at: this.clock.now().toISOString(), error: null })
      .where("id", "=", mailId)
      .execute();
    this.log.info({ mailId }, "mail sent");
  }

  private transport(): Transporter {
    if (!this.transporter) {
      this.transporter = nodemailer.createTransport({
        url: this.smtpUrl,
        // well below the job lease, so a hanging server does not hold a job for long
        connectionTimeout: 30_000,
        greetingTimeout: 30_000,
        socketTimeout: 60_000,
      });
    }
    return this.transporter;
  }

  /** Messages, newest first (for the demo outbox page and staff diagnostics). */
  async list(opts: { tenantId?: string | null; limit?: number } = {}): Promise<OutboxMail[]> {
    let q = this.db.kysely.selectFrom("mail_outbox").selectAll();
    if (opts.tenantId === null) q = q.where("tenant_id", "is", null);
    else if (opts.tenantId !== undefined) q = q.where("tenant_id", "=", opts.tenantId);
    const rows = await q
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(opts.limit ?? 100)
      .execute();
    return rows.map(toOutboxMail);
  }

  async get(id: string): Promise<OutboxMail | undefined> {
    const row = await this.db.kysely.selectFrom("mail_outbox").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toOutboxMail(row) : undefined;
  }

  close(): void {
    this.transporter?.close();
    this.transporter = undefined;
  }
}

export function mailJobs(mailer: Mailer): JobDefinition[] {
  return [
    {
      type: MAIL_SEND_JOB,
      maxAttempts: MAIL_MAX_ATTEMPTS,
      async handler(payload, job) {
        const mailId = (payload as { mailId?: unknown } | null)?.mailId;
        if (typeof mailId !== "string") throw new Error("mail.send: payload has no mailId");
        await mailer.deliver(mailId, job.attempt, MAIL_MAX_ATTEMPTS);
      },
    },
  ];
}
