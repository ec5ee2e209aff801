import type { AppContext } from "../../platform/context.js";
import type { JobDefinition } from "../../platform/jobs/types.js";
import type { Tenant } from "../../platform/tenancy.js";
import { absoluteUrl } from "../../platform/http/urls.js";
import { isValidAddress } from "../../platform/mail/mailer.js";
import { newId, sha256 } from "../../platform/ids.js";
import { SEARCH_TYPES, type CouncilService } from "./service.js";
import type { AlertRow, OrganizationRow, PaperRow } from "./store.js";
import { FeedStore, type SavedSearch } from "./feeds-store.js";
import { describeSearch, searchOptions } from "./feeds-service.js";
import { paperPublic } from "./visibility.js";

/**
 * E-mail alerts on a saved search: double opt-in, one-click unsubscribe, and an hourly job that
 * mails each confirmed alert the public papers first published since it last looked.
 *
 * The link token is an HMAC of the alert id under the installation's key: only its SHA-256 is
 * stored, yet the job can put the unsubscribe link into every alert mail.
 */

export const ALERT_JOB = "council.alerts";
/** an unconfirmed alert is deleted after this */
export const UNCONFIRMED_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** at most this many unconfirmed alerts per address and day (no mail bombing through the form) */
const MAX_UNCONFIRMED_PER_DAY = 5;
/** papers published within this margin wait for the next run (a publishing transaction may still be committing) */
const SETTLE_MS = 2 * 60 * 1000;
/** a paper waits at most this long for its PDFs' text before it is matched without it */
const MAX_TEXT_WAIT_MS = 24 * 60 * 60 * 1000;
const SEARCH_LIMIT = 100;

export type SubscribeResult = { ok: true } | { ok: false; errors: { email: string } };

export class CouncilAlerts {
  readonly store: FeedStore;

  constructor(private readonly ctx: AppContext, private readonly council: CouncilService) {
    this.store = new FeedStore(ctx.db);
  }

  private now() {
    return this.ctx.clock.now();
  }

  tokenOf(alertId: string): string {
    return this.ctx.secrets.sign("council.alert", alertId);
  }

  links(t: Tenant, alertId: string) {
    const token = this.tokenOf(alertId);
    return {
      confirm: absoluteUrl(this.ctx.config, t, `rat/benachrichtigungen/bestaetigen/${token}`),
      unsubscribe: absoluteUrl(this.ctx.config, t, `rat/benachrichtigungen/abmelden/${token}`),
    };
  }

  /**
   * Records an unconfirmed alert and mails the confirmation link. The caller shows the same page
   * whatever happened, so nobody learns whether the address already had an alert.
   */
  async subscribe(t: Tenant, emailInput: string, search: SavedSearch, organizations: OrganizationRow[]): Promise<SubscribeResult> {
    const email = emailInput.trim().toLowerCase();
    if (!email) return { ok: false, errors: { email: "Bitte geben Sie Ihre E-Mail-Adresse ein." } };
    if (!isValidAddress(email)) return { ok: false, errors: { email: "Bitte geben Sie eine gültige E-Mail-Adresse ein, zum Beispiel name@beispiel.de." } };
    const now = this.now();
    const recent = await this.store.countUnconfirmedSince(t.id, email, new Date(now.getTime() - 24 * 60 * 60 * 1000).toISOString());
    if (recent >= MAX_UNCONFIRMED_PER_DAY) {
      this.ctx.log.warn({ tenantId: t.id }, "council alert: too many unconfirmed subscriptions for one address; no mail sent");
      return { ok: true };
    }
    const id = newId(this.ctx.clock);
    const links = this.links(t, id);
    const words = describeSearch(search, organizations);
    await this.ctx.db.tx(async (trx) => {
      await this.store.insertAlert(
        {
          id,
          tenant_id: t.id,
          email,
          query: search.q,
          filters: JSON.stringify({ art: search.art ?? null, gremium: search.gremium ?? null }),
          token_hash: sha256(this.tokenOf(id)),
          created_at: now.toISOString(),
          confirmed_at: null,
          checked_until: now.toISOString(),
        },
        trx,
      );
      await this.ctx.mail.send(
        {
          tenantId: t.id,
          to: email,
          subject: `Bitte bestätigen Sie Ihre Benachrichtigung – ${t.kind} ${t.name}`,
          text:
            `Guten Tag,\n\n` +
            `Sie möchten per E-Mail benachrichtigt werden, wenn im Ratsinformationssystem der ${t.kind} ${t.name} neue Vorlagen zu dieser Suche erscheinen:\n${words}\n\n` +
            `Bitte bestätigen Sie das hier:\n${links.confirm}\n\n` +
            `Wenn Sie das nicht waren, müssen Sie nichts tun: Ohne Bestätigung wird die Anfrage nach 7 Tagen gelöscht.\n` +
            `Anfrage löschen:\n${links.unsubscribe}\n\n` +
            `Mit freundlichen Grüßen\n${t.kind} ${t.name}\n`,
        },
        trx,
      );
    });
    this.ctx.log.info({ tenantId: t.id, alertId: id }, "council alert requested");
    return { ok: true };
  }

  /** The alert a link token stands for (unconfirmed ones only until they expire). */
  async byToken(t: Tenant, token: string): Promise<AlertRow | undefined> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    const alert = await this.store.alertByTokenHash(t.id, sha256(token));
    if (!alert) return undefined;
    if (!alert.confirmed_at && Date.parse(alert.created_at) < this.now().getTime() - UNCONFIRMED_TTL_MS) return undefined;
    return alert;
  }

  /**
   * Confirms an alert (idempotent). A confirmed alert of the same address and search is replaced,
   * keeping the earlier point from which papers are news, so nothing is skipped and nothing is sent twice.
   */
  async confirm(t: Tenant, alert: AlertRow): Promise<void> {
    if (alert.confirmed_at) return;
    await this.ctx.db.tx(async (trx) => {
      const twins = await this.store.confirmedTwins(t.id, alert, trx);
      const from = [alert.checked_until, ...twins.map((a) => a.checked_until)].sort()[0]!;
      for (const twin of twins) await this.store.deleteAlert(t.id, twin.id, trx);
      await this.store.confirmAlert(t.id, alert.id, this.now().toISOString(), from, trx);
    });
    this.ctx.log.info({ tenantId: t.id, alertId: alert.id }, "council alert confirmed");
  }

  async unsubscribe(t: Tenant, alert: AlertRow): Promise<boolean> {
    const deleted = await this.store.deleteAlert(t.id, alert.id);
    if (deleted) this.ctx.log.info({ tenantId: t.id, alertId: alert.id }, "council alert deleted by its owner");
    return deleted;
  }

  savedSearch(alert: AlertRow): SavedSearch {
    let f: { art?: string | null; gremium?: string | null } = {};
    try {
      f = JSON.parse(alert.filters) as typeof f;
    } catch {
      this.ctx.log.warn({ alertId: alert.id }, "council alert: unreadable filters");
    }
    return { q: alert.query, art: f.art ?? undefined, gremium: f.gremium ?? undefined };
  }

  /** The papers among `papers` that the saved search finds (the platform search, public papers only). */
  async matching(tenantId: string, search: SavedSearch, papers: PaperRow[]): Promise<PaperRow[]> {
    const candidates = papers.filter(paperPublic);
    if (candidates.length === 0 || (search.art && !(searchOptions(search, 1).types as string[]).includes(SEARCH_TYPES.paper))) return [];
    const found = new Set<string>();
    // One query per paper date keeps each result set small, so a new paper is never cut off by the limit.
    for (const date of [...new Set(candidates.map((p) => p.date))]) {
      const hits = await this.council.search.query(tenantId, search.q, { ...searchOptions(search, SEARCH_LIMIT), types: [SEARCH_TYPES.paper], from: date, to: date });
      if (hits.length >= SEARCH_LIMIT) this.ctx.log.warn({ tenantId, date }, "council alert: search limit reached; some papers of the day may not be matched");
      for (const h of hits) found.add(h.id);
    }
    return candidates.filter((p) => found.has(p.id));
  }

  /**
   * One run of the job: per confirmed alert, the public papers first published since it last
   * looked; one mail listing the matches; the alert moves on in the same transaction as the mail
   * (and only from the value it was read with), so a paper is mailed exactly once per alert,
   * also when the job runs twice or is retried. Expired unconfirmed alerts are deleted.
   */
  async run(): Promise<{ mails: number }> {
    let mails = 0;
    let failure: unknown;
    for (const t of this.ctx.tenants.all()) {
      const now = this.now();
      const expired = await this.store.deleteUnconfirmedBefore(t.id, new Date(now.getTime() - UNCONFIRMED_TTL_MS).toISOString());
      if (expired) this.ctx.log.info({ tenantId: t.id, expired }, "council alerts: unconfirmed alerts expired");
      const alerts = await this.store.confirmedAlerts(t.id);
      if (alerts.length === 0) continue;
      let upTo = new Date(now.getTime() - SETTLE_MS).toISOString();
      const oldest = alerts.map((a) => a.checked_until).sort()[0]!;
      if (oldest >= upTo) continue;
      let news = await this.store.papersPublishedBetween(t.id, oldest, upTo);
      // Papers whose PDF text is still being extracted wait (bounded), so a match in a PDF is not missed.
      const pending = await this.store.papersWithPendingText(t.id, news.map((p) => p.id));
      const waiting = news.filter((p) => pending.has(p.id) && Date.parse(p.published_at!) > now.getTime() - MAX_TEXT_WAIT_MS);
      if (waiting.length) {
        upTo = new Date(Math.min(...waiting.map((p) => Date.parse(p.published_at!))) - 1).toISOString();
        news = news.filter((p) => p.published_at! <= upTo);
      }
      const organizations = await this.council.store.organizations(t.id);
      for (const alert of alerts) {
        if (alert.checked_until >= upTo) continue;
        try {
          if (await this.notify(t, alert, news.filter((p) => p.published_at! > alert.checked_until), upTo, organizations)) mails++;
        } catch (err) {
          this.ctx.log.error({ tenantId: t.id, alertId: alert.id, err }, "council alert failed");
          failure = err;
        }
      }
    }
    // The job is retried; alerts already done have moved on and send nothing again.
    if (failure) throw failure;
    return { mails };
  }

  private async notify(t: Tenant, alert: AlertRow, news: PaperRow[], upTo: string, organizations: OrganizationRow[]): Promise<boolean> {
    const search = this.savedSearch(alert);
    // Matching reads outside the transaction (on SQLite a read inside another's write would wait for it).
    const matches = await this.matching(t.id, search, news);
    return this.ctx.db.tx(async (trx) => {
      if (!(await this.store.advanceAlert(t.id, alert.id, alert.checked_until, upTo, trx))) return false;
      if (matches.length === 0) return false;
      const links = this.links(t, alert.id);
      const list = matches.map((p) => `${p.reference} ${p.name}\n${absoluteUrl(this.ctx.config, t, `rat/vorlagen/${p.id}`)}`).join("\n\n");
      await this.ctx.mail.send(
        {
          tenantId: t.id,
          to: alert.email,
          subject: `${matches.length === 1 ? "Neue Vorlage" : `${matches.length} neue Vorlagen`} zu Ihrer Suche – ${t.kind} ${t.name}`,
          text:
            `Guten Tag,\n\n` +
            `im Ratsinformationssystem der ${t.kind} ${t.name} ${matches.length === 1 ? "ist eine neue Vorlage" : "sind neue Vorlagen"} zu Ihrer Suche ${describeSearch(search, organizations)} veröffentlicht:\n\n${list}\n\n` +
            `Benachrichtigung abbestellen (ein Klick genügt):\n${links.unsubscribe}\n\n` +
            `Mit freundlichen Grüßen\n${t.kind} ${t.name}\n`,
          // RFC 8058: mail programs offer "abbestellen", which POSTs to this URL (the endpoint accepts it without a form token)
          unsubscribeUrl: links.unsubscribe,
        },
        trx,
      );
      return true;
    });
  }
}

const instances = new WeakMap<AppContext, CouncilAlerts>();

/** The alerts of an app (one per context, like the council service). */
export function councilAlerts(ctx: AppContext, council: CouncilService): CouncilAlerts {
  let a = instances.get(ctx);
  if (!a) instances.set(ctx, (a = new CouncilAlerts(ctx, council)));
  return a;
}

export const alertJobs: JobDefinition[] = [
  {
    type: ALERT_JOB,
    schedule: { everyMs: 60 * 60 * 1000 },
    maxAttempts: 5,
    async handler(_payload, job) {
      // imported when the job runs: index.ts imports this file for its manifest
      const { councilService } = await import("./index.js");
      await councilAlerts(job.ctx, councilService(job.ctx)).run();
    },
  },
];
