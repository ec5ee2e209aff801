import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import { absoluteUrl } from "../../platform/http/urls.js";
import { parseQuery } from "../../platform/search/german.js";
import { formatDate, formatDateTime } from "../../platform/clock.js";
import { PAPER_TYPES, SEARCH_TYPES, type CouncilService } from "./service.js";
import type { MeetingRow, OrganizationRow, PaperRow } from "./store.js";
import { FeedStore } from "./feeds-store.js";
import { PUBLIC, NEUTRAL_TITLE, agendaItemVisibility, meetingVisibility, paperPublic } from "./visibility.js";
import { renderAtom, renderCalendar, type AtomEntry, type CalendarEvent } from "./feeds.js";

/** The kinds a search can be narrowed to (facet `kind:<art>`): the paper types, agenda items and meetings. */
export const SEARCH_KINDS = [...PAPER_TYPES, "Tagesordnungspunkt", "Sitzung"] as const;
export const PAPERS_FEED_SIZE = 50;
const SEARCH_FEED_SIZE = 50;
const MAX_QUERY_CHARS = 200;

/** A search as the search page, the search feed and the alerts take it (`q`, `art`, `gremium`, `von`, `bis`). */
export interface CouncilSearch {
  q: string;
  art?: string | undefined;
  gremium?: string | undefined;
  /** YYYY-MM-DD */
  von?: string | undefined;
  bis?: string | undefined;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; field: keyof CouncilSearch; message: string };

const one = (v: unknown): string | undefined | null => (v === undefined ? undefined : typeof v === "string" ? v.trim() : null);

/** "2026-12-08" or "08.12.2026" → "2026-12-08"; null when it is no real date. */
function parseDay(v: string): string | null {
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [+m[1]!, +m[2]!, +m[3]!];
  else if ((m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(v))) [y, mo, d] = [+m[3]!, +m[2]!, +m[1]!];
  else return null;
  const dt = new Date(Date.UTC(y, mo - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== mo - 1 || dt.getUTCDate() !== d) return null;
  return dt.toISOString().slice(0, 10);
}

/**
 * Reads a search from query parameters. Every message is German and names what to change;
 * an unknown body is an error too (never silently searching everything).
 */
export function parseCouncilSearch(query: Record<string, unknown>, organizations: OrganizationRow[], opts: { requireQuery: boolean }): Parsed<CouncilSearch> {
  const q = one(query.q);
  const art = one(query.art);
  const gremium = one(query.gremium);
  const von = one(query.von);
  const bis = one(query.bis);
  if (q === null || art === null || gremium === null || von === null || bis === null) return { ok: false, field: "q", message: "Jeder Suchparameter darf nur einmal angegeben werden." };
  if (q && q.length > MAX_QUERY_CHARS) return { ok: false, field: "q", message: `Der Suchbegriff darf höchstens ${MAX_QUERY_CHARS} Zeichen lang sein.` };
  if (opts.requireQuery && (!q || parseQuery(q).length === 0)) return { ok: false, field: "q", message: "Bitte geben Sie einen Suchbegriff an." };
  if (art && !(SEARCH_KINDS as readonly string[]).includes(art)) return { ok: false, field: "art", message: `Unbekannte Art „${art.slice(0, 40)}“. Möglich sind: ${SEARCH_KINDS.join(", ")}.` };
  if (gremium && !organizations.some((o) => o.id === gremium && !o.deleted_at && o.kind !== "fraktion")) return { ok: false, field: "gremium", message: "Dieses Gremium gibt es nicht." };
  const from = von ? parseDay(von) : undefined;
  if (from === null) return { ok: false, field: "von", message: "Bitte geben Sie das Datum „von“ als TT.MM.JJJJ an." };
  const to = bis ? parseDay(bis) : undefined;
  if (to === null) return { ok: false, field: "bis", message: "Bitte geben Sie das Datum „bis“ als TT.MM.JJJJ an." };
  if (from && to && from > to) return { ok: false, field: "bis", message: "Das Datum „bis“ muss nach dem Datum „von“ liegen." };
  return { ok: true, value: { q: q ?? "", art: art || undefined, gremium: gremium || undefined, von: from, bis: to } };
}

/** The search in words, e.g. „Bebauungsplan“, Art: Antrag, Gremium: Bauausschuss. */
export function describeSearch(s: CouncilSearch, organizations: OrganizationRow[]): string {
  const parts = [`„${s.q}“`];
  if (s.art) parts.push(`Art: ${s.art}`);
  if (s.gremium) parts.push(`Gremium: ${organizations.find((o) => o.id === s.gremium)?.name ?? "unbekannt"}`);
  if (s.von) parts.push(`ab ${formatDate(`${s.von}T12:00:00Z`)}`);
  if (s.bis) parts.push(`bis ${formatDate(`${s.bis}T12:00:00Z`)}`);
  return parts.join(", ");
}

/** The parameters of a search in canonical order (for links and the feed's id). */
export function searchQueryString(s: CouncilSearch): string {
  const p = new URLSearchParams();
  p.set("q", s.q);
  if (s.art) p.set("art", s.art);
  if (s.gremium) p.set("gremium", s.gremium);
  if (s.von) p.set("von", s.von);
  if (s.bis) p.set("bis", s.bis);
  return p.toString();
}

/** What the platform search is asked for a council search (the same mapping the search page uses). */
export function searchOptions(s: CouncilSearch, limit: number) {
  const types = s.art === "Tagesordnungspunkt" ? [SEARCH_TYPES.agendaItem] : s.art === "Sitzung" ? [SEARCH_TYPES.meeting] : s.art ? [SEARCH_TYPES.paper] : Object.values(SEARCH_TYPES);
  const facets = [...(s.art ? [`kind:${s.art}`] : []), ...(s.gremium ? [`org:${s.gremium}`] : [])];
  return { types, facets, limit, ...(s.von ? { from: s.von } : {}), ...(s.bis ? { to: s.bis } : {}) };
}

const max = (dates: Date[]) => new Date(Math.max(...dates.map((d) => d.getTime())));

/**
 * Builds the council's subscription feeds for the public: iCalendar of meetings, Atom of new
 * papers and of a search. Everything shown passes visibility.ts with the PUBLIC viewer.
 */
export class CouncilFeeds {
  readonly store: FeedStore;

  constructor(private readonly ctx: AppContext, private readonly council: CouncilService) {
    this.store = new FeedStore(ctx.db);
  }

  private url(t: Tenant, path: string) {
    return absoluteUrl(this.ctx.config, t, path);
  }

  private async lastChange(t: Tenant): Promise<Date> {
    return (await this.store.lastChange(t.id)) ?? new Date(0);
  }

  /** All visible meetings of the municipality, or of one body; undefined when the body does not exist. */
  async calendar(t: Tenant, organizationId?: string): Promise<string | undefined> {
    const s = this.council.store;
    const organizations = await s.organizations(t.id);
    const only = organizationId ? organizations.find((o) => o.id === organizationId && !o.deleted_at) : undefined;
    if (organizationId && !only) return undefined;
    const settings = await s.settings(t.id);
    const meetings = await s.meetings(t.id, { publishedOnly: true, ...(organizationId ? { organizationId } : {}) });
    const orgs = new Map(organizations.map((o) => [o.id, o]));
    const visible = meetings.map((m) => ({ m, view: meetingVisibility(PUBLIC, m, orgs.get(m.organization_id), settings) })).filter((x) => x.view !== "none");
    const full = visible.filter((x) => x.view === "full").map((x) => x.m.id);
    const items = await s.agendaItemsOfMeetings(t.id, full);
    const locations = new Map((await s.locations(t.id)).map((l) => [l.id, l]));
    const host = new URL(this.ctx.config.baseUrl).hostname;
    const events: CalendarEvent[] = visible.map(({ m, view }) => {
      const org = orgs.get(m.organization_id);
      const loc = m.location_id ? locations.get(m.location_id) : undefined;
      const base = {
        uid: `${m.id}@${host}`,
        start: new Date(m.start_at),
        end: m.end_at ? new Date(m.end_at) : null,
        url: this.url(t, `rat/sitzungen/${m.id}`),
        cancelled: !!m.cancelled,
        lastModified: new Date(m.modified_at),
        sequence: sequenceOf(m),
      };
      if (view === "date-only") {
        // a body that meets only non-publicly: the date and the body, nothing of the agenda
        return { ...base, summary: `Nichtöffentliche Sitzung: ${org?.name ?? "Gremium"}` };
      }
      const agenda = items
        .filter((i) => i.meeting_id === m.id)
        .map((i) => ({ i, v: agendaItemVisibility(PUBLIC, i, m, view) }))
        .filter((x) => x.v !== "none")
        .map(({ i, v }) => `${i.number} ${v === "full" ? i.name : NEUTRAL_TITLE}`);
      const where = loc ? [loc.description, loc.room, [loc.street_address, [loc.postal_code, loc.locality].filter(Boolean).join(" ")].filter(Boolean).join(", ")].filter(Boolean).join(", ") : undefined;
      const description = [`${org?.name ?? ""}, ${formatDateTime(m.start_at)}`, ...(m.cancelled ? ["Die Sitzung fällt aus."] : []), ...(agenda.length ? ["", "Tagesordnung:", ...agenda] : []), "", base.url].join("\n");
      return { ...base, summary: m.cancelled ? `Abgesagt: ${m.name}` : m.name, location: where, description };
    });
    const name = only ? `Sitzungen: ${only.name} – ${t.kind} ${t.name}` : `Sitzungen – ${t.kind} ${t.name}`;
    return renderCalendar({ name, lastModified: await this.lastChange(t), events });
  }

  private paperEntry(t: Tenant, p: PaperRow): AtomEntry {
    const text = p.body_text.replace(/\s+/g, " ").trim();
    return {
      id: `urn:uuid:${p.id}`,
      title: `${p.reference} ${p.name}`,
      updated: new Date(p.modified_at),
      published: p.published_at ? new Date(p.published_at) : undefined,
      link: this.url(t, `rat/vorlagen/${p.id}`),
      category: p.paper_type,
      summary: `${p.paper_type} ${p.reference} vom ${formatDate(`${p.date}T12:00:00Z`)}${text ? `: ${text.length > 300 ? `${text.slice(0, 300).replace(/\s+\S*$/, "")} …` : text}` : ""}`,
    };
  }

  /** The newest public papers. */
  async papersFeed(t: Tenant): Promise<string> {
    const papers = (await this.council.store.publishedPapers(t.id, { limit: PAPERS_FEED_SIZE })).filter(paperPublic);
    const entries = papers.map((p) => this.paperEntry(t, p));
    const updated = max([await this.lastChange(t), ...entries.map((e) => e.updated)]);
    const host = new URL(this.ctx.config.baseUrl).hostname;
    return renderAtom({
      id: `tag:${host},2026:${t.id}/rat/vorlagen`,
      title: `Neue Vorlagen – ${t.kind} ${t.name}`,
      subtitle: "Öffentliche Beschlussvorlagen, Anträge, Anfragen, Mitteilungen und Berichte des Ratsinformationssystems",
      updated,
      selfUrl: this.url(t, "rat/vorlagen.atom"),
      alternateUrl: this.url(t, "rat/vorlagen"),
      author: `${t.kind} ${t.name}`,
      entries,
    });
  }

  /** The search page's search as a feed: only hits the public may see, newest changes first. */
  async searchFeed(t: Tenant, search: CouncilSearch): Promise<string> {
    const s = this.council.store;
    const hits = await this.council.search.query(t.id, search.q, searchOptions(search, SEARCH_FEED_SIZE));
    const ids = (type: string) => hits.filter((h) => h.type === type).map((h) => h.id);
    const papers = new Map((await s.papersByIds(t.id, ids(SEARCH_TYPES.paper))).map((p) => [p.id, p]));
    const items = new Map((await this.store.agendaItemsByIds(t.id, ids(SEARCH_TYPES.agendaItem))).map((i) => [i.id, i]));
    const meetingIds = [...new Set([...ids(SEARCH_TYPES.meeting), ...[...items.values()].map((i) => i.meeting_id)])];
    const meetings = new Map((await s.meetingsByIds(t.id, meetingIds)).map((m) => [m.id, m]));
    const orgs = new Map((await s.organizations(t.id)).map((o) => [o.id, o]));
    const settings = await s.settings(t.id);
    const meetingView = (m: MeetingRow) => meetingVisibility(PUBLIC, m, orgs.get(m.organization_id), settings);
    const entries: AtomEntry[] = [];
    for (const hit of hits) {
      if (hit.type === SEARCH_TYPES.paper) {
        const p = papers.get(hit.id);
        if (p && paperPublic(p)) entries.push({ ...this.paperEntry(t, p), summary: hit.excerpt || this.paperEntry(t, p).summary });
      } else if (hit.type === SEARCH_TYPES.agendaItem) {
        const i = items.get(hit.id);
        const m = i && meetings.get(i.meeting_id);
        if (i && m && agendaItemVisibility(PUBLIC, i, m, meetingView(m)) === "full") {
          entries.push({ id: `urn:uuid:${i.id}`, title: `${i.number} ${i.name}`, updated: new Date(i.modified_at), link: this.url(t, `rat/sitzungen/${m.id}#top-${i.id}`), category: "Tagesordnungspunkt", summary: `${m.name}, ${formatDateTime(m.start_at)}` });
        }
      } else if (hit.type === SEARCH_TYPES.meeting) {
        const m = meetings.get(hit.id);
        if (m && meetingView(m) === "full") {
          entries.push({ id: `urn:uuid:${m.id}`, title: `${m.name} am ${formatDate(m.start_at)}`, updated: new Date(m.modified_at), link: this.url(t, `rat/sitzungen/${m.id}`), category: "Sitzung", summary: hit.excerpt || m.name });
        }
      }
    }
    entries.sort((a, b) => b.updated.getTime() - a.updated.getTime() || (a.id < b.id ? -1 : 1));
    const qs = searchQueryString(search);
    const selfUrl = this.url(t, `rat/suche.atom?${qs}`);
    return renderAtom({
      id: selfUrl,
      title: `Suche ${describeSearch(search, [...orgs.values()])} – Ratsinformationssystem ${t.kind} ${t.name}`,
      updated: max([await this.lastChange(t), ...entries.map((e) => e.updated)]),
      selfUrl,
      alternateUrl: this.url(t, `rat/suche?${qs}`),
      author: `${t.kind} ${t.name}`,
      entries,
    });
  }
}

/** SEQUENCE grows with every change: seconds between the meeting's creation and its last change. */
function sequenceOf(m: MeetingRow): number {
  return Math.max(0, Math.floor((Date.parse(m.modified_at) - Date.parse(m.created_at)) / 1000));
}
