import type { AgendaItemRow, CouncilSettingsRow, FileRow, MeetingRow, OrganizationRow, PaperRow } from "./store.js";

/**
 * Who looks. The one place that decides what of the council's work each viewer sees; pages,
 * search, feeds and OParl all ask here.
 *
 * - public: published meetings and their public agenda items and papers; a non-public item only
 *   as its number with a neutral title; meetings of bodies that meet only non-publicly by date
 *   only, or not at all (council_settings.nonpublic_meetings).
 * - member (Mandatsträger): additionally everything of the meetings of the organisations they
 *   belong to (non-public items, their papers and files) — nothing else non-public.
 * - staff (Sitzungsdienst): everything, drafts included.
 */
export type Viewer =
  | { kind: "public" }
  | { kind: "member"; personId: string; organizationIds: ReadonlySet<string> }
  | { kind: "staff" };

export const PUBLIC: Viewer = { kind: "public" };

export const NEUTRAL_TITLE = "Nichtöffentliche Angelegenheit";

export type MeetingVisibility = "full" | "date-only" | "none";

function memberOf(viewer: Viewer, organizationId: string): boolean {
  return viewer.kind === "member" && viewer.organizationIds.has(organizationId);
}

export function meetingVisibility(viewer: Viewer, meeting: MeetingRow, organization: Pick<OrganizationRow, "id" | "meets_publicly"> | undefined, settings: Pick<CouncilSettingsRow, "nonpublic_meetings"> | undefined): MeetingVisibility {
  if (viewer.kind === "staff") return "full";
  if (!meeting.published_at || meeting.deleted_at) return "none";
  if (memberOf(viewer, meeting.organization_id)) return "full";
  if (!organization || organization.meets_publicly) return "full";
  return (settings?.nonpublic_meetings ?? "date") === "date" ? "date-only" : "none";
}

export type ItemVisibility = "full" | "neutral" | "none";

/** An agenda item of a meeting the viewer sees as `meetingView`. */
export function agendaItemVisibility(viewer: Viewer, item: AgendaItemRow, meeting: MeetingRow, meetingView: MeetingVisibility): ItemVisibility {
  if (meetingView !== "full") return "none";
  if (viewer.kind === "staff") return "full";
  if (item.deleted_at) return "none";
  if (item.public) return "full";
  return memberOf(viewer, meeting.organization_id) ? "full" : "neutral";
}

/** Outcomes (results, votes, resolution texts, minutes) are public once the Sitzungsdienst published them. */
export function resultsVisible(viewer: Viewer, meeting: MeetingRow): boolean {
  if (viewer.kind === "staff") return true;
  if (memberOf(viewer, meeting.organization_id)) return meeting.state === "durchgefuehrt" || meeting.state === "abgeschlossen";
  return !!meeting.results_published_at;
}

/**
 * May the viewer open the paper? Public: once a published public agenda item made it public.
 * A member: also when it stands on any agenda item of a published meeting of one of their
 * organisations (`memberMeetingOrgs` lists the organisations of the published meetings whose
 * agenda carries the paper).
 */
export function paperVisible(viewer: Viewer, paper: PaperRow, memberMeetingOrgs: readonly string[] = []): boolean {
  if (viewer.kind === "staff") return true;
  if (paper.deleted_at) return false;
  if (paper.published_at) return true;
  return viewer.kind === "member" && memberMeetingOrgs.some((o) => viewer.organizationIds.has(o));
}

/** Is the paper public (pages for everybody, search, feeds, OParl)? */
export function paperPublic(paper: PaperRow): boolean {
  return !!paper.published_at && !paper.deleted_at;
}

/** A meeting file (invitation, minutes) for a viewer who sees the meeting as `meetingView`. */
export function meetingFileVisible(viewer: Viewer, file: FileRow, meeting: MeetingRow, meetingView: MeetingVisibility): boolean {
  if (viewer.kind === "staff") return true;
  if (file.deleted_at || meetingView !== "full") return false;
  if (file.role === "minutes") return resultsVisible(viewer, meeting) && (!!meeting.results_published_at || memberOf(viewer, meeting.organization_id));
  return true;
}
