import type { CouncilService } from "../../service.js";
import type { CouncilPublicStore } from "../../public-store.js";
import type {
  AgendaItemRow,
  ConsultationRow,
  CouncilSettingsRow,
  FactionVote,
  FileRow,
  LocationRow,
  MeetingRow,
  MembershipRow,
  OrganizationRow,
  PaperRow,
  PersonRow,
  AttendanceStatus,
} from "../../store.js";
import {
  PUBLIC,
  agendaItemVisibility,
  meetingFileVisible,
  meetingVisibility,
  paperPublic,
  paperVisible,
  resultsVisible,
  type MeetingVisibility,
  type Viewer,
} from "../../visibility.js";

/**
 * What each page of the public council portal shows to one viewer: the rows, already decided
 * with visibility.ts. Every loader reads a page's data in a fixed number of queries (batched by
 * id lists), whatever the length of the agenda or the list.
 */

/** The object was public and has been withdrawn (OParl tombstone): the page answers 410. */
export class Withdrawn extends Error {
  constructor(readonly kind: "paper" | "meeting") {
    super(`withdrawn ${kind}`);
  }
}

/** Not there for this viewer (unknown, never public, or not theirs to see): the page answers 404. */
export class Invisible extends Error {
  constructor(readonly what: string) {
    super(`not visible: ${what}`);
  }
}

export interface Base {
  tenantId: string;
  viewer: Viewer;
  settings: Pick<CouncilSettingsRow, "nonpublic_meetings"> | undefined;
  orgs: Map<string, OrganizationRow>;
  /** now, ISO instant */
  now: string;
  /** today in Europe/Berlin, YYYY-MM-DD */
  today: string;
}

export interface MeetingEntry {
  meeting: MeetingRow;
  /** "date-only": list the date and the body, no link, no agenda */
  view: Exclude<MeetingVisibility, "none">;
  org: OrganizationRow | undefined;
  location: LocationRow | undefined;
}

export interface AgendaEntry {
  item: AgendaItemRow;
  /** "neutral": only the number and NEUTRAL_TITLE */
  view: "full" | "neutral";
  /** a non-public item this viewer may see (a council member's or the Sitzungsdienst's view) */
  nonPublic: boolean;
  paper: PaperRow | undefined;
  files: FileRow[];
  /** result, resolution text and votes may be shown */
  results: boolean;
  factionVotes: (FactionVote & { name: string })[];
}

export interface MeetingPage {
  entry: MeetingEntry;
  items: AgendaEntry[];
  files: FileRow[];
  resultsShown: boolean;
  attendance: { person: PersonRow; status: AttendanceStatus }[];
}

export interface ConsultationEntry {
  consultation: ConsultationRow;
  org: OrganizationRow | undefined;
  /** the meeting, when the viewer may see that this paper was on its (visible) agenda */
  meeting: MeetingRow | undefined;
  item: AgendaItemRow | undefined;
  /** the item's result, when visible */
  result: string | undefined;
}

export interface PaperPage {
  paper: PaperRow;
  nonPublic: boolean;
  files: FileRow[];
  consultations: ConsultationEntry[];
  originatorOrg: OrganizationRow | undefined;
  originatorPerson: PersonRow | undefined;
}

export interface MemberEntry {
  membership: MembershipRow;
  person: PersonRow;
  faction: OrganizationRow | undefined;
}

export interface BodyPage {
  org: OrganizationRow;
  members: MemberEntry[];
  upcoming: MeetingEntry[];
  past: MeetingEntry[];
}

export interface PersonPage {
  person: PersonRow;
  /** personal fields (contact, life, title, form of address) only with recorded consent */
  personal: boolean;
  memberships: { membership: MembershipRow; org: OrganizationRow; faction: OrganizationRow | undefined }[];
}

const current = (m: Pick<MembershipRow, "start_date" | "end_date" | "deleted_at">, today: string) => !m.deleted_at && (!m.start_date || m.start_date <= today) && (!m.end_date || m.end_date >= today);

export class PortalData {
  constructor(
    private readonly council: CouncilService,
    private readonly pub: CouncilPublicStore,
  ) {}

  private get store() {
    return this.council.store;
  }

  async base(tenantId: string, viewer: Viewer, now: Date): Promise<Base> {
    const [settings, orgs] = await Promise.all([this.store.settings(tenantId), this.store.organizations(tenantId)]);
    return { tenantId, viewer, settings, orgs: new Map(orgs.map((o) => [o.id, o])), now: now.toISOString(), today: this.council.today() };
  }

  meetingView(b: Base, m: MeetingRow, viewer: Viewer = b.viewer): MeetingVisibility {
    return meetingVisibility(viewer, m, b.orgs.get(m.organization_id), b.settings);
  }

  /** Organisations whose meetings this viewer cannot see at all: left out in the query, so a list's limit is not eaten by them. */
  private invisibleOrgs(b: Base): string[] {
    if (b.viewer.kind === "staff" || (b.settings?.nonpublic_meetings ?? "date") !== "hidden") return [];
    const v = b.viewer;
    return [...b.orgs.values()].filter((o) => !o.meets_publicly && !(v.kind === "member" && v.organizationIds.has(o.id))).map((o) => o.id);
  }

  /** Meetings for a list (calendar, overview, body page), each with what the viewer may see of it. */
  async meetingList(b: Base, opts: { from?: string; to?: string; organizationId?: string | undefined; limit?: number; descending?: boolean }): Promise<MeetingEntry[]> {
    const [rows, locations] = await Promise.all([
      this.pub.meetings(b.tenantId, { ...opts, excludeOrganizationIds: this.invisibleOrgs(b), includeUnpublished: b.viewer.kind === "staff" }),
      this.locations(b.tenantId),
    ]);
    const out: MeetingEntry[] = [];
    for (const meeting of rows) {
      if (meeting.deleted_at) continue;
      const view = this.meetingView(b, meeting);
      if (view === "none") continue;
      out.push({ meeting, view, org: b.orgs.get(meeting.organization_id), location: meeting.location_id ? locations.get(meeting.location_id) : undefined });
    }
    return out;
  }

  /** Public papers, newest publication first, continuing behind `after` (keyset). */
  async publicPapers(b: Base, limit: number, after?: { publishedAt: string; id: string }): Promise<PaperRow[]> {
    return this.pub.publicPapers(b.tenantId, { limit, after });
  }

  private async locations(tenantId: string): Promise<Map<string, LocationRow>> {
    return new Map((await this.store.locations(tenantId)).map((l) => [l.id, l]));
  }

  /** Of `papers`, the ones this viewer may open (a member also those on the agendas of their bodies' published meetings). */
  async visiblePapers(b: Base, papers: PaperRow[]): Promise<Map<string, PaperRow>> {
    const orgsOf = b.viewer.kind === "member" ? await this.pub.meetingOrgsOfPapers(b.tenantId, papers.filter((p) => !paperPublic(p)).map((p) => p.id)) : new Map<string, string[]>();
    return new Map(papers.filter((p) => paperVisible(b.viewer, p, orgsOf.get(p.id) ?? [])).map((p) => [p.id, p]));
  }

  async meetingPage(b: Base, meetingId: string): Promise<MeetingPage> {
    const meeting = await this.store.meeting(b.tenantId, meetingId);
    if (!meeting) throw new Invisible("meeting");
    if (meeting.deleted_at && b.viewer.kind !== "staff") {
      if (meeting.published_at) throw new Withdrawn("meeting");
      throw new Invisible("meeting");
    }
    const view = this.meetingView(b, meeting);
    if (view === "none") throw new Invisible("meeting");
    const location = meeting.location_id ? await this.store.location(b.tenantId, meeting.location_id) : undefined;
    const entry: MeetingEntry = { meeting, view, org: b.orgs.get(meeting.organization_id), location };
    if (view !== "full") return { entry, items: [], files: [], resultsShown: false, attendance: [] };

    const resultsShown = resultsVisible(b.viewer, meeting);
    const [allItems, meetingFiles] = await Promise.all([this.store.agendaItems(b.tenantId, meeting.id), this.store.filesOf(b.tenantId, "meeting", [meeting.id])]);
    const shown = allItems.map((item) => ({ item, view: agendaItemVisibility(b.viewer, item, meeting, view) })).filter((x) => x.view !== "none");
    const full = shown.filter((x) => x.view === "full").map((x) => x.item);
    const paperIds = full.map((i) => i.paper_id).filter((id): id is string => !!id);
    const [papers, itemFiles, attendanceRows] = await Promise.all([
      this.store.papersByIds(b.tenantId, [...new Set(paperIds)]),
      this.store.filesOf(b.tenantId, "agenda_item", full.map((i) => i.id)),
      resultsShown ? this.store.attendance(b.tenantId, meeting.id) : Promise.resolve([]),
    ]);
    const [visible, persons] = await Promise.all([this.visiblePapers(b, papers), this.pub.personsByIds(b.tenantId, attendanceRows.map((a) => a.person_id))]);
    const personById = new Map(persons.map((p) => [p.id, p]));

    const items: AgendaEntry[] = shown.map(({ item, view: iv }) => {
      if (iv === "neutral") return { item, view: "neutral", nonPublic: false, paper: undefined, files: [], results: false, factionVotes: [] };
      const results = resultsShown && !!item.result;
      return {
        item,
        view: "full",
        nonPublic: !item.public,
        paper: item.paper_id ? visible.get(item.paper_id) : undefined,
        files: itemFiles.filter((f) => f.owner_id === item.id && !f.deleted_at && (f.role !== "resolution" || resultsShown)),
        results,
        factionVotes: results ? factionVotes(item, b.orgs) : [],
      };
    });
    return {
      entry,
      items,
      files: meetingFiles.filter((f) => meetingFileVisible(b.viewer, f, meeting, view) && !f.deleted_at),
      resultsShown,
      attendance: attendanceRows
        .map((a) => ({ person: personById.get(a.person_id)!, status: a.status }))
        .filter((a) => a.person && !a.person.deleted_at)
        .sort((x, y) => x.person.family_name.localeCompare(y.person.family_name, "de") || x.person.given_name.localeCompare(y.person.given_name, "de")),
    };
  }

  async paperPage(b: Base, paperId: string): Promise<PaperPage> {
    const paper = await this.store.paper(b.tenantId, paperId);
    if (!paper) throw new Invisible("paper");
    if (paper.deleted_at && b.viewer.kind !== "staff") {
      if (paper.published_at) throw new Withdrawn("paper");
      throw new Invisible("paper");
    }
    if (!(await this.visiblePapers(b, [paper])).has(paper.id)) throw new Invisible("paper");

    const [files, consultations, originatorPerson] = await Promise.all([
      this.store.filesOf(b.tenantId, "paper", [paper.id]),
      this.store.consultationsOfPaper(b.tenantId, paper.id),
      paper.originator_person_id ? this.store.person(b.tenantId, paper.originator_person_id) : Promise.resolve(undefined),
    ]);
    const [meetings, items] = await Promise.all([
      this.store.meetingsByIds(b.tenantId, [...new Set(consultations.map((c) => c.meeting_id).filter((id): id is string => !!id))]),
      this.pub.agendaItemsByIds(b.tenantId, consultations.map((c) => c.agenda_item_id).filter((id): id is string => !!id)),
    ]);
    const meetingById = new Map(meetings.map((m) => [m.id, m]));
    const itemById = new Map(items.map((i) => [i.id, i]));
    return {
      paper,
      nonPublic: !paperPublic(paper),
      files: files.filter((f) => !f.deleted_at),
      consultations: consultations.map((c) => {
        const meeting = c.meeting_id ? meetingById.get(c.meeting_id) : undefined;
        const item = c.agenda_item_id ? itemById.get(c.agenda_item_id) : undefined;
        // The meeting is named only when the viewer sees this paper's item on its agenda:
        // a public paper on a non-public item must not reveal what that item is about.
        const mv = meeting ? this.meetingView(b, meeting) : "none";
        const itemShown = !!meeting && !!item && item.meeting_id === meeting.id && agendaItemVisibility(b.viewer, item, meeting, mv) === "full";
        return {
          consultation: c,
          org: b.orgs.get(c.organization_id),
          meeting: itemShown ? meeting : undefined,
          item: itemShown ? item : undefined,
          result: itemShown && resultsVisible(b.viewer, meeting!) ? (item!.result ?? undefined) : undefined,
        };
      }),
      originatorOrg: paper.originator_organization_id ? b.orgs.get(paper.originator_organization_id) : undefined,
      originatorPerson: originatorPerson && !originatorPerson.deleted_at ? originatorPerson : undefined,
    };
  }

  async bodyPage(b: Base, orgId: string, limit = 10): Promise<BodyPage> {
    const org = b.orgs.get(orgId);
    if (!org || org.deleted_at) throw new Invisible("organization");
    const [memberships, upcoming, past] = await Promise.all([
      this.store.membershipsOfOrganization(b.tenantId, org.id),
      this.meetingList(b, { organizationId: org.id, from: b.now, limit }),
      this.meetingList(b, { organizationId: org.id, to: b.now, limit, descending: true }),
    ]);
    const active = memberships.filter((m) => current(m, b.today));
    const persons = new Map((await this.pub.personsByIds(b.tenantId, active.map((m) => m.person_id))).map((p) => [p.id, p]));
    const members = active
      .map((membership) => ({ membership, person: persons.get(membership.person_id)!, faction: membership.on_behalf_of ? b.orgs.get(membership.on_behalf_of) : undefined }))
      .filter((m) => m.person && !m.person.deleted_at)
      .sort((x, y) => roleRank(x.membership.role) - roleRank(y.membership.role) || x.person.family_name.localeCompare(y.person.family_name, "de") || x.person.given_name.localeCompare(y.person.given_name, "de"));
    return { org, members, upcoming, past };
  }

  async personPage(b: Base, personId: string): Promise<PersonPage> {
    const person = await this.store.person(b.tenantId, personId);
    if (!person || person.deleted_at) throw new Invisible("person");
    const memberships = (await this.store.membershipsOfPerson(b.tenantId, person.id))
      .filter((m) => current(m, b.today))
      .map((membership) => ({ membership, org: b.orgs.get(membership.organization_id)!, faction: membership.on_behalf_of ? b.orgs.get(membership.on_behalf_of) : undefined }))
      .filter((m) => m.org && !m.org.deleted_at)
      .sort((x, y) => x.org.sort_order - y.org.sort_order || x.org.name.localeCompare(y.org.name, "de"));
    return { person, personal: !!person.consent_at, memberships };
  }

  /**
   * May the viewer download this file, and may everybody? Decided by the file's owner: a paper's
   * file with the paper, a meeting's with `meetingFileVisible`, an agenda item's with the item
   * (a resolution only once results are visible).
   */
  async fileAccess(b: Base, file: FileRow): Promise<{ visible: boolean; isPublic: boolean }> {
    if (file.owner_type === "paper") {
      const paper = await this.store.paper(b.tenantId, file.owner_id);
      if (!paper) return { visible: false, isPublic: false };
      const isPublic = !file.deleted_at && paperPublic(paper);
      const visible = b.viewer.kind === "staff" || (!file.deleted_at && (await this.visiblePapers(b, [paper])).has(paper.id));
      return { visible, isPublic };
    }
    const item = file.owner_type === "agenda_item" ? await this.store.agendaItem(b.tenantId, file.owner_id) : undefined;
    const meetingId = file.owner_type === "meeting" ? file.owner_id : item?.meeting_id;
    const meeting = meetingId ? await this.store.meeting(b.tenantId, meetingId) : undefined;
    if (!meeting || (file.owner_type === "agenda_item" && !item)) return { visible: false, isPublic: false };
    const decide = (viewer: Viewer) => {
      const mv = this.meetingView(b, meeting, viewer);
      if (file.owner_type === "meeting") return meetingFileVisible(viewer, file, meeting, mv);
      if (viewer.kind === "staff") return true;
      return !file.deleted_at && agendaItemVisibility(viewer, item!, meeting, mv) === "full" && (file.role !== "resolution" || resultsVisible(viewer, meeting));
    };
    return { visible: decide(b.viewer), isPublic: decide(PUBLIC) };
  }
}

/** Chair first, then deputies, then the other members. */
function roleRank(role: string | null): number {
  const r = (role ?? "").toLowerCase();
  if (r.includes("stellv")) return 1;
  if (r.includes("vorsitz")) return 0;
  return 2;
}

function factionVotes(item: AgendaItemRow, orgs: Map<string, OrganizationRow>): (FactionVote & { name: string })[] {
  if (!item.votes_by_faction) return [];
  try {
    const list = JSON.parse(item.votes_by_faction) as FactionVote[];
    return Array.isArray(list) ? list.map((v) => ({ ...v, name: orgs.get(v.faction)?.name ?? "Fraktion" })) : [];
  } catch {
    return [];
  }
}
