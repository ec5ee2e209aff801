import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { OrganizationKind, OrganizationRow } from "../../store.js";
import type { Viewer } from "../../visibility.js";
import type { BodyPage, PersonPage } from "./model.js";
import { FeedLinks, MeetingTable, Portal } from "./common.js";
import { day, ratPath } from "./format.js";

const GROUPS: { kind: OrganizationKind; label: string }[] = [
  { kind: "parlament", label: "Parlament" },
  { kind: "vorstand", label: "Verwaltungsorgan" },
  { kind: "ausschuss", label: "Ausschüsse" },
  { kind: "ortsbeirat", label: "Ortsbeiräte" },
  { kind: "fraktion", label: "Fraktionen" },
];
const KIND_LABEL: Record<OrganizationKind, string> = { parlament: "Parlament", vorstand: "Verwaltungsorgan", ausschuss: "Ausschuss", ortsbeirat: "Ortsbeirat", fraktion: "Fraktion" };

export function BodyList(p: { tenant: Tenant; orgs: OrganizationRow[]; headingLevel: 2 | 3 }): SafeHtml {
  const groups = GROUPS.map((g) => ({ ...g, orgs: p.orgs.filter((o) => o.kind === g.kind && !o.deleted_at) })).filter((g) => g.orgs.length > 0);
  return (
    <Fragment>
      {groups.map((g) => (
        <Fragment>
          {h(`h${p.headingLevel}`, { className: p.headingLevel === 2 ? "kern-heading-medium" : "kern-heading-small" }, g.label)}
          <ul className="kern-list">
            {g.orgs.map((o) => (
              <li>
                <a className="kern-link" href={ratPath(p.tenant, `gremien/${o.id}`)}>{o.name}</a>
                {o.meets_publicly ? null : <span className="kern-body kern-body--small"> (tagt nichtöffentlich)</span>}
              </li>
            ))}
          </ul>
        </Fragment>
      ))}
    </Fragment>
  );
}

export function BodiesPage(p: { tenant: Tenant; viewer: Viewer; orgs: OrganizationRow[] }): SafeHtml {
  return (
    <Portal tenant={p.tenant} viewer={p.viewer} section="gremien" title="Gremien" lead={`Die Gremien und Fraktionen der ${p.tenant.kind} ${p.tenant.name} mit ihren Mitgliedern und Sitzungen.`}>
      {p.orgs.length > 0 ? <BodyList tenant={p.tenant} orgs={p.orgs} headingLevel={2} /> : <p className="kern-body">Es sind noch keine Gremien eingetragen.</p>}
    </Portal>
  );
}

export function BodyPageView(p: { tenant: Tenant; viewer: Viewer; page: BodyPage }): SafeHtml {
  const t = p.tenant;
  const { org, members } = p.page;
  const holdsMeetings = org.kind !== "fraktion";
  return (
    <Portal tenant={t} viewer={p.viewer} section="gremien" title={org.name} lead={`${KIND_LABEL[org.kind]}${org.short_name ? ` (${org.short_name})` : ""}`}>
      {org.meets_publicly ? null : <p className="kern-body">Dieses Gremium tagt nichtöffentlich. Tagesordnungen und Unterlagen seiner Sitzungen werden nicht veröffentlicht.</p>}
      <section aria-labelledby="mitglieder">
        <h2 className="kern-heading-medium" id="mitglieder">Mitglieder</h2>
        {members.length > 0 ? (
          <div className="kern-table-responsive">
            <table className="kern-table">
              <caption className="kern-sr-only">Mitglieder: {org.name}</caption>
              <thead className="kern-table__header">
                <tr className="kern-table__row">
                  <th scope="col" className="kern-table__header">Name</th>
                  <th scope="col" className="kern-table__header">Funktion</th>
                  {org.kind === "fraktion" ? null : <th scope="col" className="kern-table__header">Fraktion</th>}
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {members.map((m) => (
                  <tr className="kern-table__row">
                    <th scope="row" className="kern-table__cell"><a className="kern-link" href={ratPath(t, `personen/${m.person.id}`)}>{m.person.given_name} {m.person.family_name}</a></th>
                    <td className="kern-table__cell">{m.membership.role ?? "Mitglied"}{m.membership.voting_right ? "" : " (beratend)"}</td>
                    {org.kind === "fraktion" ? null : <td className="kern-table__cell">{m.faction ? <a className="kern-link" href={ratPath(t, `gremien/${m.faction.id}`)}>{m.faction.name}</a> : m.person.party ?? "–"}</td>}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="kern-body">Es sind keine Mitglieder eingetragen.</p>
        )}
      </section>
      {holdsMeetings ? (
        <Fragment>
          <section aria-labelledby="naechste">
            <h2 className="kern-heading-medium" id="naechste">Nächste Sitzungen</h2>
            {p.page.upcoming.length > 0 ? <MeetingTable tenant={t} caption={`Nächste Sitzungen: ${org.name}`} entries={p.page.upcoming} showBody={false} visuallyHiddenCaption /> : <p className="kern-body">Es sind keine künftigen Sitzungen veröffentlicht.</p>}
          </section>
          <section aria-labelledby="vergangene">
            <h2 className="kern-heading-medium" id="vergangene">Vergangene Sitzungen</h2>
            {p.page.past.length > 0 ? <MeetingTable tenant={t} caption={`Vergangene Sitzungen: ${org.name}`} entries={p.page.past} showBody={false} visuallyHiddenCaption /> : <p className="kern-body">Es sind keine vergangenen Sitzungen veröffentlicht.</p>}
            <p className="kern-body no-print"><a className="kern-link" href={`${ratPath(t, "sitzungen")}?gremium=${org.id}`}>Alle Sitzungen: {org.name} im Sitzungskalender</a></p>
          </section>
          <FeedLinks links={[{ href: ratPath(t, `gremien/${org.id}/kalender.ics`), label: `Sitzungstermine: ${org.name} (iCalendar)`, type: "text/calendar" }]} />
        </Fragment>
      ) : null}
    </Portal>
  );
}

export function PersonPageView(p: { tenant: Tenant; viewer: Viewer; page: PersonPage }): SafeHtml {
  const t = p.tenant;
  const { person, personal, memberships } = p.page;
  const name = `${personal && person.title ? `${person.title} ` : ""}${person.given_name} ${person.family_name}`;
  return (
    <Portal tenant={t} viewer={p.viewer} section="gremien" title={name}>
      <dl className="kern-description-list">
        {personal && person.form_of_address ? (
          <div className="kern-description-list-item">
            <dt className="kern-description-list-item__key">Anrede</dt>
            <dd className="kern-description-list-item__value">{person.form_of_address}</dd>
          </div>
        ) : null}
        {person.party ? (
          <div className="kern-description-list-item">
            <dt className="kern-description-list-item__key">Partei</dt>
            <dd className="kern-description-list-item__value">{person.party}</dd>
          </div>
        ) : null}
        {personal && person.email ? (
          <div className="kern-description-list-item">
            <dt className="kern-description-list-item__key">E-Mail</dt>
            <dd className="kern-description-list-item__value"><a className="kern-link" href={`mailto:${person.email}`}>{person.email}</a></dd>
          </div>
        ) : null}
        {personal && person.phone ? (
          <div className="kern-description-list-item">
            <dt className="kern-description-list-item__key">Telefon</dt>
            <dd className="kern-description-list-item__value">{person.phone}</dd>
          </div>
        ) : null}
      </dl>
      {personal && person.life ? (
        <section aria-labelledby="lebenslauf">
          <h2 className="kern-heading-medium" id="lebenslauf">Lebenslauf</h2>
          <p className="kern-body">{person.life}</p>
        </section>
      ) : null}
      <section aria-labelledby="mitgliedschaften">
        <h2 className="kern-heading-medium" id="mitgliedschaften">Mitgliedschaften</h2>
        {memberships.length > 0 ? (
          <div className="kern-table-responsive">
            <table className="kern-table">
              <caption className="kern-sr-only">Mitgliedschaften von {person.given_name} {person.family_name}</caption>
              <thead className="kern-table__header">
                <tr className="kern-table__row">
                  <th scope="col" className="kern-table__header">Gremium</th>
                  <th scope="col" className="kern-table__header">Funktion</th>
                  <th scope="col" className="kern-table__header">Für</th>
                  <th scope="col" className="kern-table__header">Seit</th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {memberships.map((m) => (
                  <tr className="kern-table__row">
                    <th scope="row" className="kern-table__cell"><a className="kern-link" href={ratPath(t, `gremien/${m.org.id}`)}>{m.org.name}</a></th>
                    <td className="kern-table__cell">{m.membership.role ?? "Mitglied"}</td>
                    <td className="kern-table__cell">{m.faction ? <a className="kern-link" href={ratPath(t, `gremien/${m.faction.id}`)}>{m.faction.name}</a> : "–"}</td>
                    <td className="kern-table__cell">{m.membership.start_date ? day(m.membership.start_date) : "–"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="kern-body">Keine aktuellen Mitgliedschaften.</p>
        )}
      </section>
    </Portal>
  );
}
