import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { formatDate, formatDateTime } from "../../../../platform/clock.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { MeetingRow, PaperRow } from "../../store.js";
import { staffBase } from "./common.js";

/** The Sitzungsdienst's start page: what needs doing now. */
export function StartPage(p: { tenant: Tenant; forApproval: PaperRow[]; toPublish: MeetingRow[]; withoutResults: MeetingRow[]; resultsToPublish: MeetingRow[]; orgNames: Map<string, string> }): SafeHtml {
  const b = staffBase(p.tenant);
  const meetingList = (rows: MeetingRow[], empty: string) =>
    rows.length === 0 ? <p className="kern-body">{empty}</p> : (
      <ul className="kern-list">
        {rows.map((m) => <li><a className="kern-link" href={`${b}/sitzungen/${m.id}`}>{m.name}</a>, {formatDateTime(m.start_at)} ({p.orgNames.get(m.organization_id) ?? "–"})</li>)}
      </ul>
    );
  return (
    <Fragment>
      <h1 className="kern-heading-large">Sitzungsdienst</h1>
      <nav aria-label="Bereiche des Sitzungsdienstes">
        <ul className="kern-list link-list">
          <li><a className="kern-link" href={`${b}/vorlagen`}>Vorlagen</a></li>
          <li><a className="kern-link" href={`${b}/sitzungen`}>Sitzungen</a></li>
          <li><a className="kern-link" href={`${b}/gremien`}>Gremien und Personen</a></li>
          <li><a className="kern-link" href={`${b}/einstellungen`}>Einstellungen</a></li>
        </ul>
      </nav>
      <h2 className="kern-heading-medium">Vorlagen, die auf Freigabe warten ({p.forApproval.length})</h2>
      {p.forApproval.length === 0 ? <p className="kern-body">Keine.</p> : (
        <ul className="kern-list">{p.forApproval.map((x) => <li><a className="kern-link" href={`${b}/vorlagen/${x.id}`}>{x.reference}: {x.name}</a> ({x.paper_type}, {formatDate(x.date)})</li>)}</ul>
      )}
      <h2 className="kern-heading-medium">Sitzungen, deren Einladung noch nicht veröffentlicht ist ({p.toPublish.length})</h2>
      {meetingList(p.toPublish, "Keine.")}
      <h2 className="kern-heading-medium">Durchgeführte Sitzungen ohne Ergebnisse ({p.withoutResults.length})</h2>
      {meetingList(p.withoutResults, "Keine.")}
      <h2 className="kern-heading-medium">Ergebnisse und Niederschrift zu veröffentlichen ({p.resultsToPublish.length})</h2>
      {meetingList(p.resultsToPublish, "Keine.")}
    </Fragment>
  );
}
