import type { Tenant } from "../../../platform/tenancy.js";
import { ORGANIZATION_KINDS } from "../service.js";
import type { AgendaItemRow, AttendanceRow, ConsultationRow, CouncilSettingsRow, FactionVote, FileRow, LocationRow, MeetingRow, MembershipRow, OrganizationRow, PaperRow, PersonRow, TermRow } from "../store.js";
import { NEUTRAL_TITLE, PUBLIC, agendaItemVisibility, meetingFileVisible, meetingVisibility, paperPublic, resultsVisible, type ItemVisibility, type MeetingVisibility } from "../visibility.js";
import type { FileMeta, OparlStore } from "./store.js";

/**
 * Rows → OParl 1.1 objects, for the public (visibility.ts with viewer PUBLIC decides; this file
 * only adds the tombstone rule of spec 2-08: an object that was public and was withdrawn stays
 * as `{ id, type, created, modified, deleted: true }`). Each `build…` takes a page of rows and
 * loads what the objects embed or refer to with a fixed number of batched queries.
 */

export const SCHEMA = "https://schema.oparl.org/1.1/";
export const OPARL_VERSION = "https://schema.oparl.org/1.1/";
/** Vendor prefix for our own properties (spec 3-00 "Herstellerspezifische Erweiterungen"). */
export const VENDOR = "DigitalesRathaus:";

export type Json = Record<string, unknown>;

export const LIST_TYPES = ["organization", "person", "meeting", "paper", "agendaItem", "consultation", "file", "membership", "legislativeTerm", "location"] as const;
export type ListType = (typeof LIST_TYPES)[number];

const TYPE_NAMES: Record<ListType, string> = {
  organization: "Organization",
  person: "Person",
  meeting: "Meeting",
  paper: "Paper",
  agendaItem: "AgendaItem",
  consultation: "Consultation",
  file: "File",
  membership: "Membership",
  legislativeTerm: "LegislativeTerm",
  location: "Location",
};
export const typeUrl = (t: ListType | "Body" | "System") => SCHEMA + (t === "Body" || t === "System" ? t : TYPE_NAMES[t]);

/** Canonical URLs: absolute, from the configured base URL (never from the Host header). */
export class OparlUrls {
  readonly root: string;
  constructor(readonly base: string) {
    this.root = `${base}/oparl/v1.1`;
  }
  system() {
    return `${this.root}/system`;
  }
  bodies() {
    return `${this.root}/body`;
  }
  body(slug: string) {
    return `${this.root}/body/${encodeURIComponent(slug)}`;
  }
  list(slug: string, type: ListType) {
    return `${this.body(slug)}/${type}`;
  }
  object(slug: string, type: ListType, id: string) {
    return `${this.body(slug)}/${type}/${encodeURIComponent(id)}`;
  }
  organizationMeetings(slug: string, id: string) {
    return `${this.object(slug, "organization", id)}/meeting`;
  }
  access(slug: string, id: string) {
    return `${this.object(slug, "file", id)}/access`;
  }
  download(slug: string, id: string) {
    return `${this.object(slug, "file", id)}/download`;
  }
}

/** What every page of one body needs: the municipality, its settings, its organisations. */
export interface Scope {
  tenant: Tenant;
  settings: CouncilSettingsRow | undefined;
  orgs: Map<string, OrganizationRow>;
  urls: OparlUrls;
  store: OparlStore;
  omitInternal: boolean;
}

/** ISO instant as OParl date-time (yyyy-mm-ddThh:mm:ss±hh:mm, UTC). */
export function dt(iso: string): string {
  if (iso.length === 24 && iso.endsWith("Z")) return `${iso.slice(0, 19)}+00:00`;
  return `${new Date(iso).toISOString().slice(0, 19)}+00:00`;
}

const later = (a: string, b: string | null | undefined) => (b && b > a ? b : a);

/** Properties with no data are left out (spec 2-04): no null, no "", no []. */
function clean(o: Json): Json {
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) delete o[k];
  }
  return o;
}

function tombstone(s: Scope, type: ListType, id: string, created: string, modified: string, extra: Json = {}): Json {
  return { id: s.urls.object(s.tenant.slug, type, id), type: typeUrl(type), ...extra, created: dt(created), modified: dt(modified), deleted: true };
}

const byKey = <T, K>(rows: T[], key: (r: T) => K) => {
  const m = new Map<K, T[]>();
  for (const r of rows) {
    const list = m.get(key(r));
    if (list) list.push(r);
    else m.set(key(r), [r]);
  }
  return m;
};
const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));

// ---- meeting and item visibility, with the tombstone rule --------------------------------

export type MeetingView = { kind: "hidden" } | { kind: "tombstone"; modified: string } | { kind: "full" } | { kind: "date-only" };

/** How the public sees a meeting: as visibility.ts decides; withdrawn after publication → tombstone. */
export function meetingView(s: Scope, m: MeetingRow): MeetingView {
  const org = s.orgs.get(m.organization_id);
  const v = meetingVisibility(PUBLIC, m, org, s.settings);
  if (v !== "none") return { kind: v };
  if (m.deleted_at && meetingVisibility(PUBLIC, { ...m, deleted_at: null }, org, s.settings) !== "none") return { kind: "tombstone", modified: later(m.modified_at, m.deleted_at) };
  return { kind: "hidden" };
}

type ItemView = { kind: "hidden" } | { kind: "tombstone"; modified: string } | { kind: Exclude<ItemVisibility, "none"> };

/** An agenda item: full or neutral (number only) as visibility.ts decides; one that was shown and was taken off, or whose meeting was withdrawn → tombstone. */
export function itemView(s: Scope, item: AgendaItemRow, meeting: MeetingRow | undefined): ItemView {
  if (!meeting) return { kind: "hidden" };
  const org = s.orgs.get(meeting.organization_id);
  const v = agendaItemVisibility(PUBLIC, item, meeting, meetingVisibility(PUBLIC, meeting, org, s.settings));
  if (v !== "none") return { kind: v };
  if (item.deleted_at || meeting.deleted_at) {
    const undeletedMeeting = { ...meeting, deleted_at: null };
    const was = agendaItemVisibility(PUBLIC, { ...item, deleted_at: null }, undeletedMeeting, meetingVisibility(PUBLIC, undeletedMeeting, org, s.settings));
    // shown once only if it existed when the meeting was published
    const deletedAt = item.deleted_at ?? meeting.deleted_at!;
    if (was !== "none" && meeting.published_at && deletedAt >= meeting.published_at) return { kind: "tombstone", modified: later(later(item.modified_at, item.deleted_at), meeting.deleted_at) };
  }
  return { kind: "hidden" };
}

type FileView = { kind: "hidden" } | { kind: "tombstone"; modified: string } | { kind: "live" };

interface Owners {
  papers: Map<string, PaperRow>;
  meetings: Map<string, MeetingRow>;
  items: Map<string, AgendaItemRow>;
}

/** A file is public when its owner is and visibility.ts lets the file through; a public file withdrawn (or whose owner was withdrawn) → tombstone. */
export function fileView(s: Scope, f: FileMeta, o: Owners): FileView {
  const live = fileVisible(s, f, o, false);
  if (live) return { kind: "live" };
  if (fileVisible(s, f, o, true)) {
    const ownerDeleted = f.owner_type === "paper" ? o.papers.get(f.owner_id)?.deleted_at : f.owner_type === "meeting" ? o.meetings.get(f.owner_id)?.deleted_at : o.items.get(f.owner_id)?.deleted_at ?? o.meetings.get(o.items.get(f.owner_id)?.meeting_id ?? "")?.deleted_at;
    return { kind: "tombstone", modified: later(later(f.modified_at, f.deleted_at), ownerDeleted) };
  }
  return { kind: "hidden" };
}

/** With `undeleted`: would the file be visible had nobody withdrawn it (and was it public before it was withdrawn)? */
function fileVisible(s: Scope, f: FileMeta, o: Owners, undeleted: boolean): boolean {
  const und = <T extends { deleted_at: string | null }>(r: T): T => (undeleted ? { ...r, deleted_at: null } : r);
  const withdrawnAt = f.deleted_at;
  if (f.owner_type === "paper") {
    const p = o.papers.get(f.owner_id);
    if (!p) return false;
    if (!undeleted) return paperPublic(p) && !f.deleted_at;
    // a file replaced while the paper was still a draft was never public
    return !!p.published_at && (!withdrawnAt || withdrawnAt >= p.published_at);
  }
  const item = f.owner_type === "agenda_item" ? o.items.get(f.owner_id) : undefined;
  const meeting = o.meetings.get(item ? item.meeting_id : f.owner_id);
  if (!meeting || (f.owner_type === "agenda_item" && !item)) return false;
  const m = und(meeting);
  const org = s.orgs.get(m.organization_id);
  const mv: MeetingVisibility = meetingVisibility(PUBLIC, m, org, s.settings);
  if (undeleted && withdrawnAt && m.published_at && withdrawnAt < m.published_at) return false;
  if (f.owner_type === "meeting") {
    const ok = meetingFileVisible(PUBLIC, und(f as FileRow), m, mv);
    if (ok && undeleted && f.role === "minutes" && withdrawnAt && (!m.results_published_at || withdrawnAt < m.results_published_at)) return false;
    return ok;
  }
  const iv = agendaItemVisibility(PUBLIC, und(item!), m, mv);
  if (iv !== "full" || (!undeleted && f.deleted_at)) return false;
  // a resolution is an outcome: public with the results
  return f.role !== "resolution" || resultsVisible(PUBLIC, m);
}

// ---- objects -----------------------------------------------------------------------------

export function bodyObject(s: Pick<Scope, "tenant" | "urls">, terms: TermRow[], stamps: { created: string; modified: string }, omitInternal: boolean): Json {
  const { tenant, urls } = s;
  const slug = tenant.slug;
  const live = terms.filter((t) => !t.deleted_at);
  const body = clean({
    id: urls.body(slug),
    type: typeUrl("Body"),
    system: urls.system(),
    shortName: tenant.name,
    name: `${tenant.kind} ${tenant.name}`,
    website: `${urls.base}/${slug}/`,
    ags: tenant.ags,
    classification: tenant.kind,
    organization: urls.list(slug, "organization"),
    person: urls.list(slug, "person"),
    meeting: urls.list(slug, "meeting"),
    paper: urls.list(slug, "paper"),
    // required by the schema, so given even with omit_internal (empty when asked to omit)
    agendaItem: urls.list(slug, "agendaItem"),
    consultation: urls.list(slug, "consultation"),
    file: urls.list(slug, "file"),
    locationList: urls.list(slug, "location"),
    legislativeTermList: urls.list(slug, "legislativeTerm"),
    membership: urls.list(slug, "membership"),
    web: `${urls.base}/${slug}/rat/`,
    created: dt(stamps.created),
    modified: dt(stamps.modified),
  });
  // required by the schema, so given even when empty or when omit_internal asks to leave it out
  body.legislativeTerm = omitInternal ? [] : live.map((t) => termObject(s as Scope, t, true));
  return body;
}

function termObject(s: Scope, t: TermRow, embedded: boolean): Json {
  if (t.deleted_at) return tombstone(s, "legislativeTerm", t.id, t.created_at, later(t.modified_at, t.deleted_at));
  return clean({
    id: s.urls.object(s.tenant.slug, "legislativeTerm", t.id),
    type: typeUrl("legislativeTerm"),
    body: embedded ? undefined : s.urls.body(s.tenant.slug),
    name: t.name,
    startDate: t.start_date,
    endDate: t.end_date,
    created: dt(t.created_at),
    modified: dt(t.modified_at),
  });
}

function locationObject(s: Scope, l: LocationRow): Json {
  if (l.deleted_at) return tombstone(s, "location", l.id, l.created_at, later(l.modified_at, l.deleted_at));
  return clean({
    id: s.urls.object(s.tenant.slug, "location", l.id),
    type: typeUrl("location"),
    description: l.description,
    streetAddress: l.street_address,
    room: l.room,
    postalCode: l.postal_code,
    locality: l.locality,
    created: dt(l.created_at),
    modified: dt(l.modified_at),
  });
}

function membershipObject(s: Scope, m: MembershipRow, embedded: boolean): Json {
  if (m.deleted_at) return tombstone(s, "membership", m.id, m.created_at, later(m.modified_at, m.deleted_at));
  const slug = s.tenant.slug;
  return clean({
    id: s.urls.object(slug, "membership", m.id),
    type: typeUrl("membership"),
    person: embedded ? undefined : s.urls.object(slug, "person", m.person_id),
    organization: s.urls.object(slug, "organization", m.organization_id),
    role: m.role,
    votingRight: !!m.voting_right,
    startDate: m.start_date,
    endDate: m.end_date,
    onBehalfOf: m.on_behalf_of ? s.urls.object(slug, "organization", m.on_behalf_of) : undefined,
    created: dt(m.created_at),
    modified: dt(m.modified_at),
  });
}

const GENDER: Record<string, string> = { weiblich: "female", w: "female", female: "female", männlich: "male", maennlich: "male", m: "male", male: "male", divers: "diverse", d: "diverse" };

function personObject(s: Scope, p: PersonRow, memberships: MembershipRow[]): Json {
  if (p.deleted_at) return tombstone(s, "person", p.id, p.created_at, later(p.modified_at, p.deleted_at));
  // personal fields (title, form of address, gender, contact, life) only with recorded consent
  const personal = !!p.consent_at;
  return clean({
    id: s.urls.object(s.tenant.slug, "person", p.id),
    type: typeUrl("person"),
    body: s.urls.body(s.tenant.slug),
    name: [personal ? p.title : null, p.given_name, p.family_name].filter(Boolean).join(" "),
    familyName: p.family_name,
    givenName: p.given_name,
    formOfAddress: personal ? p.form_of_address : undefined,
    title: personal && p.title ? [p.title] : undefined,
    gender: personal && p.gender ? (GENDER[p.gender.toLowerCase()] ?? p.gender.toLowerCase()) : undefined,
    email: personal && p.email ? [p.email] : undefined,
    phone: personal && p.phone ? [p.phone] : undefined,
    life: personal ? p.life : undefined,
    membership: s.omitInternal ? undefined : memberships.filter((m) => !m.deleted_at).map((m) => membershipObject(s, m, true)),
    created: dt(p.created_at),
    modified: dt(p.modified_at),
  });
}

const ORGANIZATION_TYPE: Record<OrganizationRow["kind"], string> = { parlament: "Gremium", vorstand: "Gremium", ausschuss: "Gremium", ortsbeirat: "Gremium", fraktion: "Fraktion" };

function organizationObject(s: Scope, o: OrganizationRow, membershipIds: string[], location: LocationRow | undefined): Json {
  if (o.deleted_at) return tombstone(s, "organization", o.id, o.created_at, later(o.modified_at, o.deleted_at));
  const slug = s.tenant.slug;
  const hasMeetings = o.kind !== "fraktion" && (o.meets_publicly || (s.settings?.nonpublic_meetings ?? "date") === "date");
  return clean({
    id: s.urls.object(slug, "organization", o.id),
    type: typeUrl("organization"),
    body: s.urls.body(slug),
    name: o.name,
    shortName: o.short_name,
    membership: membershipIds.map((id) => s.urls.object(slug, "membership", id)),
    meeting: hasMeetings ? s.urls.organizationMeetings(slug, o.id) : undefined,
    organizationType: ORGANIZATION_TYPE[o.kind],
    classification: ORGANIZATION_KINDS[o.kind],
    startDate: o.start_date,
    endDate: o.end_date,
    location: location && !location.deleted_at ? locationObject(s, location) : undefined,
    created: dt(o.created_at),
    modified: dt(o.modified_at),
  });
}

function fileObject(s: Scope, f: FileMeta | FileRow, embedded: boolean): Json {
  const slug = s.tenant.slug;
  const owner = f.owner_type === "paper" ? "paper" : f.owner_type === "meeting" ? "meeting" : "agendaItem";
  return clean({
    id: s.urls.object(slug, "file", f.id),
    type: typeUrl("file"),
    name: f.name,
    fileName: f.file_name,
    mimeType: f.mime_type,
    date: f.date,
    size: Number(f.size),
    sha1Checksum: f.sha1,
    sha512Checksum: f.sha512,
    // the extracted text only on the File itself (lists and embedding stay small)
    text: !embedded && "text" in f && f.text_status === "ok" ? f.text : undefined,
    accessUrl: s.urls.access(slug, f.id),
    downloadUrl: s.urls.download(slug, f.id),
    [owner]: embedded ? undefined : [s.urls.object(slug, owner, f.owner_id)],
    created: dt(f.created_at),
    modified: dt(f.modified_at),
  });
}

function fileTombstone(s: Scope, f: FileMeta, modified: string): Json {
  // accessUrl is required by the schema; it answers 410 Gone (spec 2-07)
  return tombstone(s, "file", f.id, f.created_at, modified, { accessUrl: s.urls.access(s.tenant.slug, f.id) });
}

/** A page of files: visible ones, tombstones; hidden ones are left out. */
export async function buildFiles(s: Scope, rows: (FileMeta | FileRow)[]): Promise<Json[]> {
  const o = await loadOwners(s, rows);
  const out: Json[] = [];
  for (const f of rows) {
    const v = fileView(s, f, o);
    if (v.kind === "live") out.push(fileObject(s, f, false));
    else if (v.kind === "tombstone") out.push(fileTombstone(s, f, v.modified));
  }
  return out;
}

/** How the public sees one file (for its bytes): live, tombstone (410) or hidden (404). */
export async function fileViewOf(s: Scope, f: FileMeta): Promise<FileView["kind"]> {
  return fileView(s, f, await loadOwners(s, [f])).kind;
}

async function loadOwners(s: Scope, rows: FileMeta[]): Promise<Owners> {
  const t = s.tenant.id;
  const [papers, items] = await Promise.all([
    s.store.byIds("council_papers", t, rows.filter((f) => f.owner_type === "paper").map((f) => f.owner_id)),
    s.store.byIds("council_agenda_items", t, rows.filter((f) => f.owner_type === "agenda_item").map((f) => f.owner_id)),
  ]);
  const meetings = await s.store.byIds("council_meetings", t, [...rows.filter((f) => f.owner_type === "meeting").map((f) => f.owner_id), ...items.map((i) => i.meeting_id)]);
  return { papers: byId(papers), items: byId(items), meetings: byId(meetings) };
}

// ---- papers and consultations ------------------------------------------------------------

interface ConsultationLinks {
  items: Map<string, AgendaItemRow>;
  meetings: Map<string, MeetingRow>;
}

async function loadConsultationLinks(s: Scope, consultations: ConsultationRow[]): Promise<ConsultationLinks> {
  const t = s.tenant.id;
  const items = await s.store.byIds("council_agenda_items", t, consultations.flatMap((c) => (c.agenda_item_id ? [c.agenda_item_id] : [])));
  const meetings = await s.store.byIds("council_meetings", t, items.map((i) => i.meeting_id));
  return { items: byId(items), meetings: byId(meetings) };
}

function consultationObject(s: Scope, c: ConsultationRow, links: ConsultationLinks, embedded: boolean): Json {
  const slug = s.tenant.slug;
  const item = c.agenda_item_id ? links.items.get(c.agenda_item_id) : undefined;
  const meeting = item ? links.meetings.get(item.meeting_id) : undefined;
  // the meeting and item only when the public sees the item in full: a non-public item must not reveal its paper
  const shown = item && meeting && itemView(s, item, meeting).kind === "full";
  return clean({
    id: s.urls.object(slug, "consultation", c.id),
    type: typeUrl("consultation"),
    paper: embedded ? undefined : s.urls.object(slug, "paper", c.paper_id),
    agendaItem: shown ? s.urls.object(slug, "agendaItem", item.id) : undefined,
    meeting: shown ? s.urls.object(slug, "meeting", meeting!.id) : undefined,
    organization: [s.urls.object(slug, "organization", c.organization_id)],
    authoritative: !!c.authoritative,
    role: c.role,
    created: dt(c.created_at),
    modified: dt(c.modified_at),
  });
}

export async function buildPapers(s: Scope, rows: PaperRow[]): Promise<Json[]> {
  const t = s.tenant.id;
  const live = rows.filter(paperPublic);
  const ids = live.map((p) => p.id);
  const [consultations, files] = await Promise.all([s.store.consultationsOfPapers(t, ids), s.store.filesOfOwners(t, [{ type: "paper", ids }])]);
  const links = await loadConsultationLinks(s, consultations);
  const consByPaper = byKey(consultations, (c) => c.paper_id);
  const filesByPaper = byKey(files, (f) => f.owner_id);
  const slug = s.tenant.slug;
  const out: Json[] = [];
  for (const p of rows) {
    if (!p.published_at) continue;
    if (p.deleted_at) {
      out.push(tombstone(s, "paper", p.id, p.created_at, later(p.modified_at, p.deleted_at)));
      continue;
    }
    const pf = (filesByPaper.get(p.id) ?? []).filter((f) => !f.deleted_at);
    const main = pf.find((f) => f.role === "main");
    out.push(
      clean({
        id: s.urls.object(slug, "paper", p.id),
        type: typeUrl("paper"),
        body: s.urls.body(slug),
        name: p.name,
        reference: p.reference,
        date: p.date,
        paperType: p.paper_type,
        mainFile: main ? fileObject(s, main, true) : undefined,
        auxiliaryFile: s.omitInternal ? undefined : pf.filter((f) => f !== main).map((f) => fileObject(s, f, true)),
        originatorPerson: p.originator_person_id ? [s.urls.object(slug, "person", p.originator_person_id)] : undefined,
        originatorOrganization: p.originator_organization_id ? [s.urls.object(slug, "organization", p.originator_organization_id)] : undefined,
        consultation: (consByPaper.get(p.id) ?? []).filter((c) => !c.deleted_at).map((c) => consultationObject(s, c, links, true)),
        // the department in charge is free text here; OParl's underDirectionOf wants Organization URLs
        [`${VENDOR}underDirectionOf`]: p.under_direction_of,
        web: `${s.urls.base}/${slug}/rat/vorlagen/${p.id}`,
        created: dt(p.created_at),
        modified: dt(p.modified_at),
      }),
    );
  }
  return out;
}

export async function buildConsultations(s: Scope, rows: ConsultationRow[]): Promise<Json[]> {
  const papers = byId(await s.store.byIds("council_papers", s.tenant.id, rows.map((c) => c.paper_id)));
  const links = await loadConsultationLinks(s, rows.filter((c) => { const p = papers.get(c.paper_id); return p && paperPublic(p) && !c.deleted_at; }));
  const out: Json[] = [];
  for (const c of rows) {
    const p = papers.get(c.paper_id);
    if (!p?.published_at) continue;
    if (p.deleted_at || c.deleted_at) {
      out.push(tombstone(s, "consultation", c.id, c.created_at, later(later(c.modified_at, p.modified_at), c.deleted_at)));
      continue;
    }
    const o = consultationObject(s, c, links, false);
    o.modified = dt(later(c.modified_at, p.modified_at));
    out.push(o);
  }
  return out;
}

// ---- meetings and agenda items -------------------------------------------------------------

const MEETING_STATE: Record<MeetingRow["state"], string> = { geplant: "terminiert", eingeladen: "eingeladen", durchgefuehrt: "eingeladen", abgeschlossen: "durchgeführt" };

interface ItemContext {
  files: Map<string, FileMeta[]>;
  papers: Map<string, PaperRow>;
}

function votesOf(s: Scope, item: AgendaItemRow): Json {
  const out: Json = {};
  if (item.votes_yes !== null || item.votes_no !== null || item.votes_abstain !== null) {
    out[`${VENDOR}votes`] = { yes: item.votes_yes ?? 0, no: item.votes_no ?? 0, abstention: item.votes_abstain ?? 0 };
  }
  if (item.votes_by_faction) {
    let list: FactionVote[] = [];
    try {
      list = JSON.parse(item.votes_by_faction) as FactionVote[];
    } catch {
      list = [];
    }
    if (list.length) out[`${VENDOR}votesByFaction`] = list.map((f) => ({ faction: s.urls.object(s.tenant.slug, "organization", f.faction), yes: f.yes, no: f.no, abstention: f.abstain }));
  }
  return out;
}

function agendaItemObject(s: Scope, item: AgendaItemRow, meeting: MeetingRow, view: "full" | "neutral", ctx: ItemContext, embedded: boolean): Json {
  const slug = s.tenant.slug;
  const base: Json = {
    id: s.urls.object(slug, "agendaItem", item.id),
    type: typeUrl("agendaItem"),
    meeting: embedded ? undefined : s.urls.object(slug, "meeting", meeting.id),
    number: item.number,
    order: Math.max(0, item.position - 1),
  };
  if (view === "neutral") return clean({ ...base, name: NEUTRAL_TITLE, public: false, created: dt(item.created_at), modified: dt(item.modified_at) });
  const results = resultsVisible(PUBLIC, meeting);
  const files = (ctx.files.get(item.id) ?? []).filter((f) => !f.deleted_at);
  const resolution = results ? files.find((f) => f.role === "resolution") : undefined;
  const paper = item.paper_id ? ctx.papers.get(item.paper_id) : undefined;
  return clean({
    ...base,
    name: item.name,
    public: !!item.public,
    consultation: item.consultation_id && paper?.published_at ? s.urls.object(slug, "consultation", item.consultation_id) : undefined,
    result: results ? item.result : undefined,
    resolutionText: results ? item.resolution_text : undefined,
    resolutionFile: resolution ? fileObject(s, resolution, true) : undefined,
    auxiliaryFile: s.omitInternal ? undefined : files.filter((f) => f.role !== "resolution").map((f) => fileObject(s, f, true)),
    ...(results ? votesOf(s, item) : {}),
    web: `${s.urls.base}/${slug}/rat/sitzungen/${meeting.id}#top-${item.id}`,
    created: dt(item.created_at),
    modified: dt(item.modified_at),
  });
}

function neutralMeetingName(org: OrganizationRow | undefined): string {
  return org ? `Sitzung: ${org.name}` : "Sitzung";
}

export async function buildMeetings(s: Scope, rows: MeetingRow[]): Promise<Json[]> {
  const t = s.tenant.id;
  const views = new Map(rows.map((m) => [m.id, meetingView(s, m)]));
  const full = rows.filter((m) => views.get(m.id)!.kind === "full");
  const fullIds = full.map((m) => m.id);
  const withResults = full.filter((m) => resultsVisible(PUBLIC, m)).map((m) => m.id);
  const [items, locations, attendance] = await Promise.all([
    s.store.itemsOfMeetings(t, fullIds),
    s.store.byIds("council_locations", t, full.flatMap((m) => (m.location_id ? [m.location_id] : []))),
    s.store.attendanceOfMeetings(t, withResults),
  ]);
  const meetingById = byId(rows);
  const shownItems = items.filter((i) => {
    const v = agendaItemVisibility(PUBLIC, i, meetingById.get(i.meeting_id)!, "full");
    return v === "full";
  });
  const [files, papers] = await Promise.all([
    s.store.filesOfOwners(t, [
      { type: "meeting", ids: fullIds },
      { type: "agenda_item", ids: s.omitInternal ? [] : shownItems.map((i) => i.id) },
    ]),
    s.omitInternal ? Promise.resolve([]) : s.store.byIds("council_papers", t, shownItems.flatMap((i) => (i.paper_id ? [i.paper_id] : []))),
  ]);
  const filesByOwner = byKey(files, (f) => `${f.owner_type}:${f.owner_id}`);
  const itemCtx: ItemContext = { files: new Map([...shownItems].map((i) => [i.id, filesByOwner.get(`agenda_item:${i.id}`) ?? []])), papers: byId(papers) };
  const itemsByMeeting = byKey(items, (i) => i.meeting_id);
  const locationById = byId(locations);
  const attendanceByMeeting = byKey(attendance, (a: AttendanceRow) => a.meeting_id);
  const slug = s.tenant.slug;
  const out: Json[] = [];
  for (const m of rows) {
    const v = views.get(m.id)!;
    if (v.kind === "hidden") continue;
    if (v.kind === "tombstone") {
      out.push(tombstone(s, "meeting", m.id, m.created_at, v.modified));
      continue;
    }
    const org = s.orgs.get(m.organization_id);
    const common = {
      id: s.urls.object(slug, "meeting", m.id),
      type: typeUrl("meeting"),
      cancelled: !!m.cancelled,
      start: dt(m.start_at),
      end: m.end_at ? dt(m.end_at) : undefined,
      organization: [s.urls.object(slug, "organization", m.organization_id)],
      created: dt(m.created_at),
      modified: dt(m.modified_at),
    };
    if (v.kind === "date-only") {
      // a body that meets only non-publicly: the date, nothing of the agenda or its files
      out.push(clean({ ...common, name: neutralMeetingName(org) }));
      continue;
    }
    const mv: MeetingVisibility = "full";
    const mFiles = (filesByOwner.get(`meeting:${m.id}`) ?? []).filter((f) => meetingFileVisible(PUBLIC, f as FileRow, m, mv));
    const invitation = mFiles.find((f) => f.role === "invitation");
    const minutes = mFiles.find((f) => f.role === "minutes");
    const results = resultsVisible(PUBLIC, m);
    const att = results ? (attendanceByMeeting.get(m.id) ?? []) : [];
    const location = m.location_id ? locationById.get(m.location_id) : undefined;
    const agenda = (itemsByMeeting.get(m.id) ?? []).flatMap((i) => {
      const iv = agendaItemVisibility(PUBLIC, i, m, mv);
      return iv === "none" ? [] : [agendaItemObject(s, i, m, iv, itemCtx, true)];
    });
    out.push(
      clean({
        ...common,
        name: m.name,
        meetingState: MEETING_STATE[m.state],
        location: location && !location.deleted_at ? locationObject(s, location) : undefined,
        participant: att.filter((a) => a.status === "anwesend").map((a) => s.urls.object(slug, "person", a.person_id)),
        invitation: invitation ? fileObject(s, invitation, true) : undefined,
        resultsProtocol: minutes ? fileObject(s, minutes, true) : undefined,
        auxiliaryFile: s.omitInternal ? undefined : mFiles.filter((f) => f !== invitation && f !== minutes).map((f) => fileObject(s, f, true)),
        agendaItem: s.omitInternal ? undefined : agenda,
        [`${VENDOR}attendance`]: att.map((a) => ({ person: s.urls.object(slug, "person", a.person_id), status: a.status })),
        web: `${s.urls.base}/${slug}/rat/sitzungen/${m.id}`,
      }),
    );
  }
  return out;
}

export async function buildAgendaItems(s: Scope, rows: AgendaItemRow[]): Promise<Json[]> {
  const t = s.tenant.id;
  const meetings = byId(await s.store.byIds("council_meetings", t, rows.map((i) => i.meeting_id)));
  const views = new Map(rows.map((i) => [i.id, itemView(s, i, meetings.get(i.meeting_id))]));
  const full = rows.filter((i) => views.get(i.id)!.kind === "full");
  const [files, papers] = await Promise.all([
    s.store.filesOfOwners(t, [{ type: "agenda_item", ids: full.map((i) => i.id) }]),
    s.store.byIds("council_papers", t, full.flatMap((i) => (i.paper_id ? [i.paper_id] : []))),
  ]);
  const ctx: ItemContext = { files: byKey(files, (f) => f.owner_id), papers: byId(papers) };
  const out: Json[] = [];
  for (const i of rows) {
    const v = views.get(i.id)!;
    if (v.kind === "hidden") continue;
    if (v.kind === "tombstone") out.push(tombstone(s, "agendaItem", i.id, i.created_at, v.modified, { order: Math.max(0, i.position - 1) }));
    else out.push(agendaItemObject(s, i, meetings.get(i.meeting_id)!, v.kind, ctx, false));
  }
  return out;
}

// ---- master data -------------------------------------------------------------------------

export async function buildPersons(s: Scope, rows: PersonRow[]): Promise<Json[]> {
  const memberships = s.omitInternal ? [] : await s.store.membershipsOfPersons(s.tenant.id, rows.filter((p) => !p.deleted_at).map((p) => p.id));
  const byPerson = byKey(memberships, (m) => m.person_id);
  return rows.map((p) => personObject(s, p, byPerson.get(p.id) ?? []));
}

export async function buildOrganizations(s: Scope, rows: OrganizationRow[]): Promise<Json[]> {
  const live = rows.filter((o) => !o.deleted_at);
  const [memberships, locations] = await Promise.all([
    s.store.membershipIdsOfOrganizations(s.tenant.id, live.map((o) => o.id)),
    s.store.byIds("council_locations", s.tenant.id, live.flatMap((o) => (o.location_id ? [o.location_id] : []))),
  ]);
  const byOrg = byKey(memberships.filter((m) => !m.deleted_at), (m) => m.organization_id);
  const locs = byId(locations);
  return rows.map((o) => organizationObject(s, o, (byOrg.get(o.id) ?? []).map((m) => m.id), o.location_id ? locs.get(o.location_id) : undefined));
}

export async function buildMemberships(s: Scope, rows: MembershipRow[]): Promise<Json[]> {
  return rows.map((m) => membershipObject(s, m, false));
}

export async function buildTerms(s: Scope, rows: TermRow[]): Promise<Json[]> {
  return rows.map((t) => termObject(s, t, false));
}

export async function buildLocations(s: Scope, rows: LocationRow[]): Promise<Json[]> {
  return rows.map((l) => locationObject(s, l));
}
