import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { formatDateTime } from "../../../../platform/clock.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { MeetingRow, MembershipRow, OrganizationRow } from "../../store.js";

export interface MemberBody {
  organization: OrganizationRow;
  membership: MembershipRow;
  upcoming: MeetingRow[];
  recent: MeetingRow[];
}

/** "Meine Gremien" of a council member: links to the public meeting pages, where a logged-in member also sees the non-public items of their bodies. */
export function MemberPage(p: { tenant: Tenant; name: string | undefined; bodies: MemberBody[] }): SafeHtml {
  const link = (m: MeetingRow) => <li><a className="kern-link" href={`/${p.tenant.slug}/rat/sitzungen/${m.id}`}>{m.name}, {formatDateTime(m.start_at)}</a>{m.cancelled ? " – abgesagt" : ""}</li>;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Meine Gremien</h1>
      {p.name === undefined ? (
        <p className="kern-body">Ihrem Konto ist keine Person der Ratsinformation zugeordnet. Bitte wenden Sie sich an den Sitzungsdienst.</p>
      ) : p.bodies.length === 0 ? (
        <p className="kern-body">{p.name}, Sie gehören derzeit keinem Gremium an.</p>
      ) : (
        <Fragment>
          <p className="kern-body">Angemeldet als {p.name}. Auf den Sitzungsseiten sehen Sie auch die nichtöffentlichen Tagesordnungspunkte Ihrer Gremien mit ihren Vorlagen.</p>
          {p.bodies.map((x) => (
            <section aria-labelledby={`g-${x.organization.id}`}>
              <h2 className="kern-heading-medium" id={`g-${x.organization.id}`}>{x.organization.name}</h2>
              <p className="kern-body">{x.membership.role ?? "Mitglied"}{x.membership.voting_right ? "" : " (ohne Stimmrecht)"}</p>
              <h3 className="kern-heading-small">Kommende Sitzungen</h3>
              {x.upcoming.length === 0 ? <p className="kern-body">Keine veröffentlichten.</p> : <ul className="kern-list">{x.upcoming.map(link)}</ul>}
              <h3 className="kern-heading-small">Letzte Sitzungen</h3>
              {x.recent.length === 0 ? <p className="kern-body">Keine.</p> : <ul className="kern-list">{x.recent.map(link)}</ul>}
            </section>
          ))}
        </Fragment>
      )}
    </Fragment>
  );
}
