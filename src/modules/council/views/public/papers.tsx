import { h, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { RathausText } from "../../../../platform/ui/rathaus-text.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { PaperRow } from "../../store.js";
import type { Viewer } from "../../visibility.js";
import type { PaperPage } from "./model.js";
import { Badge, FeedLinks, FileList, NonPublicBadge, Portal } from "./common.js";
import { dateLong, day, isoAttr, ratPath } from "./format.js";

export function PaperTable(p: { tenant: Tenant; caption: string; papers: PaperRow[]; hiddenCaption?: boolean }): SafeHtml {
  return (
    <div className="kern-table-responsive">
      <table className="kern-table rat-papers">
        <caption className={p.hiddenCaption ? "kern-sr-only" : "kern-title"}>{p.caption}</caption>
        <thead className="kern-table__header">
          <tr className="kern-table__row">
            <th scope="col" className="kern-table__header">Datum</th>
            <th scope="col" className="kern-table__header">Nummer</th>
            <th scope="col" className="kern-table__header">Betreff</th>
            <th scope="col" className="kern-table__header">Art</th>
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {p.papers.map((x) => (
            <tr className="kern-table__row">
              <td className="kern-table__cell"><time datetime={x.date}>{day(x.date)}</time></td>
              <td className="kern-table__cell">{x.reference}</td>
              <th scope="row" className="kern-table__cell"><a className="kern-link" href={ratPath(p.tenant, `vorlagen/${x.id}`)}>{x.name}</a></th>
              <td className="kern-table__cell">{x.paper_type}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function PaperListPage(p: { tenant: Tenant; viewer: Viewer; papers: PaperRow[]; nextHref: string | undefined; continued: boolean }): SafeHtml {
  const t = p.tenant;
  return (
    <Portal tenant={t} viewer={p.viewer} section="vorlagen" title="Vorlagen" lead="Beschlussvorlagen, Anträge, Anfragen, Mitteilungen und Berichte, sobald sie mit einer Einladung öffentlich geworden sind – die neuesten zuerst.">
      {p.papers.length > 0 ? (
        <PaperTable tenant={t} caption={p.continued ? "Ältere öffentliche Vorlagen" : "Neueste öffentliche Vorlagen"} papers={p.papers} />
      ) : (
        <p className="kern-body">{p.continued ? "Es gibt keine älteren Vorlagen." : "Es sind noch keine Vorlagen veröffentlicht."}</p>
      )}
      <nav className="rat-pager no-print" aria-label="Weitere Vorlagen">
        <ul className="tile-list">
          {p.continued ? <li><a className="kern-link" href={ratPath(t, "vorlagen")}>Zu den neuesten Vorlagen</a></li> : null}
          {p.nextHref ? <li><a className="kern-link" href={p.nextHref} rel="next">Ältere Vorlagen</a></li> : null}
        </ul>
      </nav>
      <p className="kern-body no-print">Sie suchen eine bestimmte Vorlage? <a className="kern-link" href={ratPath(t, "suche")}>Zur Suche in der Ratsinformation</a></p>
      <FeedLinks links={[{ href: ratPath(t, "vorlagen.atom"), label: "Neue Vorlagen als Feed abonnieren (Atom)", type: "application/atom+xml" }]} />
    </Portal>
  );
}

export function PaperPageView(p: { tenant: Tenant; viewer: Viewer; page: PaperPage }): SafeHtml {
  const t = p.tenant;
  const { paper, consultations } = p.page;
  return (
    <Portal tenant={t} viewer={p.viewer} section="vorlagen" title={paper.name}>
      {p.page.nonPublic ? <p className="kern-body"><NonPublicBadge /> Diese Vorlage ist nicht öffentlich.</p> : null}
      {paper.deleted_at ? <p className="kern-body"><Badge tone="danger" label="zurückgezogen" /> Diese Vorlage wurde zurückgezogen.</p> : null}
      <dl className="kern-description-list">
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Vorlagennummer</dt>
          <dd className="kern-description-list-item__value">{paper.reference}</dd>
        </div>
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Art</dt>
          <dd className="kern-description-list-item__value">{paper.paper_type}</dd>
        </div>
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Datum</dt>
          <dd className="kern-description-list-item__value"><time datetime={paper.date}>{day(paper.date)}</time></dd>
        </div>
        {paper.under_direction_of ? (
          <div className="kern-description-list-item">
            <dt className="kern-description-list-item__key">Federführung</dt>
            <dd className="kern-description-list-item__value">{paper.under_direction_of}</dd>
          </div>
        ) : null}
        {p.page.originatorOrg || p.page.originatorPerson ? (
          <div className="kern-description-list-item">
            <dt className="kern-description-list-item__key">Eingereicht von</dt>
            <dd className="kern-description-list-item__value">
              {p.page.originatorOrg ? <a className="kern-link" href={ratPath(t, `gremien/${p.page.originatorOrg.id}`)}>{p.page.originatorOrg.name}</a> : null}
              {p.page.originatorOrg && p.page.originatorPerson ? ", " : null}
              {p.page.originatorPerson ? <a className="kern-link" href={ratPath(t, `personen/${p.page.originatorPerson.id}`)}>{p.page.originatorPerson.given_name} {p.page.originatorPerson.family_name}</a> : null}
            </dd>
          </div>
        ) : null}
      </dl>

      <section aria-labelledby="text">
        <h2 className="kern-heading-medium" id="text">Inhalt</h2>
        {paper.body_text.trim() ? <RathausText text={paper.body_text} headingOffset={1} /> : <p className="kern-body">Der Inhalt steht im Dokument der Vorlage.</p>}
      </section>

      <section aria-labelledby="beratungsfolge">
        <h2 className="kern-heading-medium" id="beratungsfolge">Beratungsfolge</h2>
        <div className="kern-table-responsive">
          <table className="kern-table">
            <caption className="kern-sr-only">Beratungsfolge der Vorlage {paper.reference}</caption>
            <thead className="kern-table__header">
              <tr className="kern-table__row">
                <th scope="col" className="kern-table__header">Gremium</th>
                <th scope="col" className="kern-table__header">Beratung</th>
                <th scope="col" className="kern-table__header">Sitzung</th>
                <th scope="col" className="kern-table__header">Ergebnis</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {consultations.map((c) => (
                <tr className="kern-table__row">
                  <th scope="row" className="kern-table__cell">{c.org ? <a className="kern-link" href={ratPath(t, `gremien/${c.org.id}`)}>{c.org.name}</a> : "–"}</th>
                  <td className="kern-table__cell">{c.consultation.role}</td>
                  <td className="kern-table__cell">
                    {c.meeting && c.item ? (
                      <a className="kern-link" href={`${ratPath(t, `sitzungen/${c.meeting.id}`)}#top-${c.item.id}`}>
                        <time datetime={isoAttr(c.meeting.start_at)}>{dateLong(c.meeting.start_at)}</time>, {c.item.number}
                      </a>
                    ) : c.consultation.status === "wartet" || c.consultation.status === "offen" ? "noch nicht terminiert" : "–"}
                  </td>
                  <td className="kern-table__cell">{c.result ?? (c.meeting ? "noch offen" : "–")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="dokumente">
        <h2 className="kern-heading-medium" id="dokumente">Dokumente</h2>
        {p.page.files.length > 0 ? <FileList tenant={t} files={p.page.files} nonPublic={p.page.nonPublic} /> : <p className="kern-body">Zu dieser Vorlage gibt es keine Dokumente.</p>}
      </section>
      <FeedLinks links={[{ href: ratPath(t, "vorlagen.atom"), label: "Neue Vorlagen als Feed abonnieren (Atom)", type: "application/atom+xml" }]} />
    </Portal>
  );
}
