import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { ErrorSummary, type FieldErrors } from "../../../../platform/ui/forms.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { AttendanceStatus, LocationRow, OrganizationRow } from "../../store.js";
import { NEUTRAL_TITLE, type Viewer } from "../../visibility.js";
import type { AgendaEntry, MeetingEntry, MeetingPage } from "./model.js";
import { Badge, FeedLinks, FileList, MeetingTable, NonPublicBadge, Portal, meetingState } from "./common.js";
import { dateLong, isoAttr, monthLabel, ratPath, shiftMonth, timeRange } from "./format.js";

/** Bodies that hold meetings (factions do not meet in the council's calendar). */
export const meetingBodies = (orgs: Iterable<OrganizationRow>) => [...orgs].filter((o) => o.kind !== "fraktion" && !o.deleted_at);

export function CalendarPage(p: {
  tenant: Tenant;
  viewer: Viewer;
  month: string;
  /** what the visitor typed, shown back when it was wrong */
  monthInput: string;
  organization: OrganizationRow | undefined;
  bodies: OrganizationRow[];
  entries: MeetingEntry[];
  errors: FieldErrors;
}): SafeHtml {
  const t = p.tenant;
  const q = (month: string) => `${ratPath(t, "sitzungen")}?monat=${month}${p.organization ? `&gremium=${p.organization.id}` : ""}`;
  const prev = shiftMonth(p.month, -1);
  const next = shiftMonth(p.month, 1);
  const label = monthLabel(p.month);
  return (
    <Portal tenant={t} viewer={p.viewer} section="sitzungen" title={`Sitzungskalender ${label}`} lead={p.organization ? `Sitzungen: ${p.organization.name}` : "Alle öffentlichen Sitzungen der Gremien, mit Tagesordnung, Vorlagen und Ergebnissen."}>
      <ErrorSummary errors={p.errors} />
      <form method="get" action={ratPath(t, "sitzungen")} className="service-search no-print" aria-label="Sitzungen filtern">
        <div className={`kern-form-input${p.errors.monat ? " kern-form-input--error" : ""}`}>
          <label className="kern-label" htmlFor="monat">Monat</label>
          <div className="kern-hint" id="monat-hinweis">Jahr und Monat, zum Beispiel {p.month}</div>
          {p.errors.monat ? (
            <p className="kern-error" id="monat-fehler" role="alert">
              <span className="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true"></span>
              <span className="kern-body">{p.errors.monat}</span>
            </p>
          ) : null}
          <input
            className={`kern-form-input__input${p.errors.monat ? " kern-form-input__input--error" : ""}`}
            type="month"
            id="monat"
            name="monat"
            value={p.monthInput}
            maxlength={7}
            aria-describedby={p.errors.monat ? "monat-hinweis monat-fehler" : "monat-hinweis"}
            aria-invalid={p.errors.monat ? "true" : undefined}
          />
        </div>
        <BodySelect bodies={p.bodies} selected={p.organization?.id ?? ""} error={p.errors.gremium} />
        <button type="submit" className="kern-btn kern-btn--primary"><span className="kern-label">Anzeigen</span></button>
      </form>
      <nav className="rat-months no-print" aria-label="Monate">
        <ul className="tile-list">
          <li><a className="kern-link" href={q(prev)} rel="prev">Vorheriger Monat: {monthLabel(prev)}</a></li>
          <li><a className="kern-link" href={q(next)} rel="next">Nächster Monat: {monthLabel(next)}</a></li>
        </ul>
      </nav>
      {Object.keys(p.errors).length > 0 ? null : p.entries.length > 0 ? (
        <MeetingTable tenant={t} caption={`Sitzungen im ${label}${p.organization ? `: ${p.organization.name}` : ""}`} entries={p.entries} showBody={!p.organization} />
      ) : (
        <p className="kern-body">Im {label} sind {p.organization ? `für ${p.organization.name} ` : ""}keine Sitzungen veröffentlicht.</p>
      )}
      <FeedLinks
        links={[
          { href: ratPath(t, "kalender.ics"), label: "Alle Sitzungstermine im Kalender abonnieren (iCalendar)", type: "text/calendar" },
          ...(p.organization ? [{ href: ratPath(t, `gremien/${p.organization.id}/kalender.ics`), label: `Sitzungstermine: ${p.organization.name} (iCalendar)`, type: "text/calendar" }] : []),
        ]}
      />
    </Portal>
  );
}

export function BodySelect(p: { bodies: OrganizationRow[]; selected: string; error?: string | undefined; label?: string }): SafeHtml {
  return (
    <div className={`kern-form-input${p.error ? " kern-form-input--error" : ""}`}>
      <label className="kern-label" htmlFor="gremium">{p.label ?? "Gremium"}</label>
      {p.error ? (
        <p className="kern-error" id="gremium-fehler" role="alert">
          <span className="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true"></span>
          <span className="kern-body">{p.error}</span>
        </p>
      ) : null}
      <div className="kern-form-input__select-wrapper">
        <select className={`kern-form-input__select${p.error ? " kern-form-input__select--error" : ""}`} id="gremium" name="gremium" aria-describedby={p.error ? "gremium-fehler" : undefined} aria-invalid={p.error ? "true" : undefined}>
          <option value="" selected={p.selected === ""}>Alle Gremien</option>
          {p.bodies.map((o) => <option value={o.id} selected={o.id === p.selected}>{o.name}</option>)}
        </select>
      </div>
    </div>
  );
}

function Place(p: { location: LocationRow | undefined; published: boolean }): SafeHtml {
  const l = p.location;
  if (!l) return <Fragment>{p.published ? "nicht angegeben" : "wird mit der Einladung bekannt gegeben"}</Fragment>;
  const street = [l.street_address, [l.postal_code, l.locality].filter(Boolean).join(" ")].filter(Boolean).join(", ");
  return (
    <Fragment>
      {l.description}
      {l.room ? `, ${l.room}` : ""}
      {street ? <Fragment><br />{street}</Fragment> : null}
    </Fragment>
  );
}

const ATTENDANCE: Record<AttendanceStatus, string> = { anwesend: "Anwesend", entschuldigt: "Entschuldigt", abwesend: "Abwesend" };

export function MeetingPageView(p: { tenant: Tenant; viewer: Viewer; page: MeetingPage }): SafeHtml {
  const t = p.tenant;
  const { entry, items } = p.page;
  const m = entry.meeting;
  const org = entry.org;
  const state = meetingState(m);
  if (entry.view === "date-only") {
    return (
      <Portal tenant={t} viewer={p.viewer} section="sitzungen" title={`Nichtöffentliche Sitzung am ${dateLong(m.start_at)}`}>
        <p className="kern-body">
          {org ? <Fragment><a className="kern-link" href={ratPath(t, `gremien/${org.id}`)}>{org.name}</a> tagt nichtöffentlich.</Fragment> : "Das Gremium tagt nichtöffentlich."} Tagesordnung und Unterlagen dieser Sitzung werden nicht veröffentlicht.
        </p>
      </Portal>
    );
  }
  return (
    <Portal tenant={t} viewer={p.viewer} section="sitzungen" title={m.name}>
      {m.cancelled ? (
        <div className="kern-alert kern-alert--danger" role="note" aria-labelledby="abgesagt">
          <div className="kern-alert__header">
            <span className="kern-icon kern-icon--danger" aria-hidden="true"></span>
            <h2 className="kern-title" id="abgesagt">Diese Sitzung wurde abgesagt.</h2>
          </div>
        </div>
      ) : null}
      <dl className="kern-description-list">
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Datum</dt>
          <dd className="kern-description-list-item__value"><time datetime={isoAttr(m.start_at)}>{dateLong(m.start_at)}</time></dd>
        </div>
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Uhrzeit</dt>
          <dd className="kern-description-list-item__value">{timeRange(m.start_at, m.end_at)}</dd>
        </div>
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Ort</dt>
          <dd className="kern-description-list-item__value"><Place location={entry.location} published={!!m.published_at} /></dd>
        </div>
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Gremium</dt>
          <dd className="kern-description-list-item__value">{org ? <a className="kern-link" href={ratPath(t, `gremien/${org.id}`)}>{org.name}</a> : "–"}</dd>
        </div>
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Stand</dt>
          <dd className="kern-description-list-item__value"><Badge tone={state.tone} label={state.label} /></dd>
        </div>
      </dl>

      <section aria-labelledby="tagesordnung">
        <h2 className="kern-heading-medium" id="tagesordnung">Tagesordnung</h2>
        {items.length === 0 ? <p className="kern-body">Die Tagesordnung ist noch nicht veröffentlicht.</p> : (
          <ol className="rat-agenda" role="list">
            {items.map((e) => <AgendaItemView tenant={t} entry={e} />)}
          </ol>
        )}
      </section>

      <section aria-labelledby="dokumente">
        <h2 className="kern-heading-medium" id="dokumente">Dokumente der Sitzung</h2>
        {p.page.files.length > 0 ? <FileList tenant={t} files={p.page.files} /> : <p className="kern-body">{m.published_at ? "Zu dieser Sitzung sind noch keine Dokumente veröffentlicht." : "Keine Dokumente."}</p>}
        {!p.page.resultsShown && m.published_at && !m.cancelled ? <p className="kern-body kern-body--small">Ergebnisse und Niederschrift werden nach der Sitzung veröffentlicht.</p> : null}
      </section>

      {p.page.resultsShown && p.page.attendance.length > 0 ? (
        <section aria-labelledby="anwesenheit">
          <h2 className="kern-heading-medium" id="anwesenheit">Anwesenheit</h2>
          {(["anwesend", "entschuldigt", "abwesend"] as const).map((status) => {
            const people = p.page.attendance.filter((a) => a.status === status);
            if (people.length === 0) return null;
            return (
              <Fragment>
                <h3 className="kern-heading-small">{ATTENDANCE[status]} ({people.length})</h3>
                <ul className="kern-list">
                  {people.map((a) => <li><a className="kern-link" href={ratPath(t, `personen/${a.person.id}`)}>{a.person.given_name} {a.person.family_name}</a></li>)}
                </ul>
              </Fragment>
            );
          })}
        </section>
      ) : null}

      <FeedLinks
        links={[
          ...(org ? [{ href: ratPath(t, `gremien/${org.id}/kalender.ics`), label: `Sitzungstermine: ${org.name} (iCalendar)`, type: "text/calendar" }] : []),
          { href: ratPath(t, "kalender.ics"), label: "Alle Sitzungstermine (iCalendar)", type: "text/calendar" },
        ]}
      />
    </Portal>
  );
}

function AgendaItemView(p: { tenant: Tenant; entry: AgendaEntry }): SafeHtml {
  const e = p.entry;
  const i = e.item;
  if (e.view === "neutral") {
    return (
      <li className="rat-agenda__item rat-agenda__item--neutral">
        <h3 className="kern-heading-small"><span className="rat-agenda__number">{i.number}</span> {NEUTRAL_TITLE}</h3>
      </li>
    );
  }
  const t = p.tenant;
  const votes = i.votes_yes !== null || i.votes_no !== null || i.votes_abstain !== null;
  return (
    <li className="rat-agenda__item" id={`top-${i.id}`}>
      <h3 className="kern-heading-small">
        <span className="rat-agenda__number">{i.number}</span> {i.name}
        {e.nonPublic ? <Fragment> <NonPublicBadge /></Fragment> : null}
        {i.deleted_at ? <Fragment> <Badge tone="danger" label="abgesetzt" /></Fragment> : null}
      </h3>
      {e.paper ? (
        <p className="kern-body">
          Vorlage: <a className="kern-link" href={ratPath(t, `vorlagen/${e.paper.id}`)}>{e.paper.reference} – {e.paper.name}</a> ({e.paper.paper_type})
        </p>
      ) : null}
      {e.files.length > 0 ? <FileList tenant={t} files={e.files} nonPublic={e.nonPublic} /> : null}
      {e.results ? (
        <dl className="kern-description-list">
          <div className="kern-description-list-item">
            <dt className="kern-description-list-item__key">Ergebnis</dt>
            <dd className="kern-description-list-item__value">{i.result}</dd>
          </div>
          {i.resolution_text ? (
            <div className="kern-description-list-item">
              <dt className="kern-description-list-item__key">Beschluss</dt>
              <dd className="kern-description-list-item__value">{i.resolution_text}</dd>
            </div>
          ) : null}
          {votes ? (
            <div className="kern-description-list-item">
              <dt className="kern-description-list-item__key">Abstimmung</dt>
              <dd className="kern-description-list-item__value">Ja: {i.votes_yes ?? 0}, Nein: {i.votes_no ?? 0}, Enthaltungen: {i.votes_abstain ?? 0}</dd>
            </div>
          ) : null}
        </dl>
      ) : null}
      {e.factionVotes.length > 0 ? (
        <div className="kern-table-responsive">
          <table className="kern-table">
            <caption className="kern-body kern-body--small">Abstimmung nach Fraktionen zu {i.number}</caption>
            <thead className="kern-table__header">
              <tr className="kern-table__row">
                <th scope="col" className="kern-table__header">Fraktion</th>
                <th scope="col" className="kern-table__header">Ja</th>
                <th scope="col" className="kern-table__header">Nein</th>
                <th scope="col" className="kern-table__header">Enthaltungen</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {e.factionVotes.map((v) => (
                <tr className="kern-table__row">
                  <th scope="row" className="kern-table__cell">{v.name}</th>
                  <td className="kern-table__cell">{v.yes}</td>
                  <td className="kern-table__cell">{v.no}</td>
                  <td className="kern-table__cell">{v.abstain}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </li>
  );
}
