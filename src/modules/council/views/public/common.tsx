import { h, Fragment, type SafeHtml, type Child } from "../../../../platform/ui/jsx.js";
import { highlight } from "../../../../platform/search/highlight.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { FileRow, MeetingRow } from "../../store.js";
import type { Viewer } from "../../visibility.js";
import type { MeetingEntry } from "./model.js";
import { dateLong, dateShort, fileSize, isoAttr, ratPath, timeRange } from "./format.js";

/*
 * Parts shared by the portal's pages. Elements that make no sense on paper (the portal's own
 * navigation, forms, subscription links) carry the class "no-print".
 */

export type Section = "uebersicht" | "sitzungen" | "vorlagen" | "gremien" | "suche";

const SECTIONS: { key: Section; label: string; path: string }[] = [
  { key: "uebersicht", label: "Übersicht", path: "" },
  { key: "sitzungen", label: "Sitzungskalender", path: "sitzungen" },
  { key: "vorlagen", label: "Vorlagen", path: "vorlagen" },
  { key: "gremien", label: "Gremien", path: "gremien" },
  { key: "suche", label: "Suche", path: "suche" },
];

/** The portal's own navigation, on every page of it. */
export function RatNav(p: { tenant: Tenant; current?: Section | undefined }): SafeHtml {
  return (
    <nav className="rat-nav no-print" aria-label="Ratsinformation">
      <ul className="tile-list">
        {SECTIONS.map((s) => (
          <li>
            <a className="kern-link" href={ratPath(p.tenant, s.path)} aria-current={s.key === p.current ? "page" : undefined}>
              {s.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** The frame of every portal page: the portal navigation, the heading, the notice for members and staff, the content. */
export function Portal(p: { tenant: Tenant; viewer: Viewer; section?: Section | undefined; title: Child; lead?: Child; children?: Child }): SafeHtml {
  return (
    <Fragment>
      <RatNav tenant={p.tenant} current={p.section} />
      <h1 className="kern-heading-large">{p.title}</h1>
      {p.lead ? <p className="kern-body kern-body--large">{p.lead}</p> : null}
      <ViewerNotice viewer={p.viewer} />
      {p.children}
    </Fragment>
  );
}

/** Members and staff see more than the public: they are told so, on screen and on paper. */
export function ViewerNotice(p: { viewer: Viewer }): SafeHtml {
  if (p.viewer.kind === "public") return <Fragment />;
  const staff = p.viewer.kind === "staff";
  return (
    <div className="kern-alert kern-alert--warning viewer-notice" role="note" aria-labelledby="hinweis-nichtoeffentlich">
      <div className="kern-alert__header">
        <span className="kern-icon kern-icon--warning" aria-hidden="true"></span>
        <h2 className="kern-title" id="hinweis-nichtoeffentlich">{staff ? "Ansicht des Sitzungsdienstes: auch nichtöffentliche Inhalte" : "Sie sehen auch nichtöffentliche Inhalte"}</h2>
      </div>
      <div className="kern-alert__body">
        <p className="kern-body">
          {staff
            ? "Sie sehen alle Inhalte, auch nichtöffentliche und noch nicht veröffentlichte. Die Öffentlichkeit sieht nur, was nicht als „nichtöffentlich“ oder „nicht veröffentlicht“ gekennzeichnet ist."
            : "Als Mitglied sehen Sie zusätzlich die nichtöffentlichen Tagesordnungspunkte, Vorlagen und Dokumente Ihrer Gremien. Sie sind mit „nichtöffentlich“ gekennzeichnet und vertraulich: Bitte geben Sie sie nicht weiter."}
        </p>
      </div>
    </div>
  );
}

export function NonPublicBadge(): SafeHtml {
  return (
    <span className="kern-badge kern-badge--warning">
      <span className="kern-label kern-label--small">nichtöffentlich</span>
    </span>
  );
}

export function Badge(p: { tone: "info" | "success" | "warning" | "danger"; label: string }): SafeHtml {
  return (
    <span className={`kern-badge kern-badge--${p.tone}`}>
      <span className="kern-label kern-label--small">{p.label}</span>
    </span>
  );
}

/** The state of a meeting as the calendar names it. */
export function meetingState(m: MeetingRow): { label: string; tone: "info" | "success" | "warning" | "danger" } {
  if (m.deleted_at) return { label: "zurückgezogen", tone: "danger" };
  if (m.cancelled) return { label: "abgesagt", tone: "danger" };
  if (!m.published_at) return { label: "nicht veröffentlicht", tone: "warning" };
  if (m.results_published_at) return { label: "Ergebnisse veröffentlicht", tone: "success" };
  return { label: "eingeladen", tone: "info" };
}

export const fileHref = (t: Tenant, f: Pick<FileRow, "id" | "file_name">) => ratPath(t, `dokumente/${f.id}/${encodeURIComponent(f.file_name)}`);

const FILE_ROLES: Record<FileRow["role"], string> = { main: "Hauptdokument", auxiliary: "Anlage", invitation: "Einladung", minutes: "Niederschrift", resolution: "Beschluss" };

export function FileList(p: { tenant: Tenant; files: FileRow[]; nonPublic?: boolean }): SafeHtml {
  return (
    <ul className="kern-list rat-files">
      {p.files.map((f) => (
        <li>
          <a className="kern-link" href={fileHref(p.tenant, f)}>
            {f.name}
          </a>{" "}
          <span className="kern-body kern-body--small">
            ({FILE_ROLES[f.role] ?? "Dokument"}, PDF, {fileSize(f.size)}
            {f.date ? `, ${dateShort(`${f.date}T12:00:00Z`)}` : ""})
          </span>
          {p.nonPublic ? <Fragment> <NonPublicBadge /></Fragment> : null}
        </li>
      ))}
    </ul>
  );
}

/** Subscriptions (iCalendar, Atom, e-mail): links, since the layout has no hook for <link rel="alternate"> in the head. */
export function FeedLinks(p: { links: { href: string; label: string; type?: string }[] }): SafeHtml {
  return (
    <section className="rat-feeds no-print" aria-labelledby="abonnieren">
      <h2 className="kern-heading-small" id="abonnieren">Abonnieren</h2>
      <ul className="kern-list">
        {p.links.map((l) => (
          <li>
            <a className="kern-link" href={l.href} type={l.type}>
              {l.label}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A text with the words the search for `q` matched as <mark>, escaped like any text. */
export function Highlighted(p: { text: string; q: string }): SafeHtml {
  return <Fragment>{highlight(p.text, p.q).map((s) => (s.match ? <mark>{s.text}</mark> : s.text))}</Fragment>;
}

export function MeetingTable(p: { tenant: Tenant; caption: string; entries: MeetingEntry[]; showBody?: boolean; visuallyHiddenCaption?: boolean }): SafeHtml {
  const showBody = p.showBody ?? true;
  return (
    <div className="kern-table-responsive">
      <table className="kern-table rat-meetings">
        <caption className={p.visuallyHiddenCaption ? "kern-sr-only" : "kern-title"}>{p.caption}</caption>
        <thead className="kern-table__header">
          <tr className="kern-table__row">
            <th scope="col" className="kern-table__header">Datum</th>
            <th scope="col" className="kern-table__header">Uhrzeit</th>
            <th scope="col" className="kern-table__header">Sitzung</th>
            {showBody ? <th scope="col" className="kern-table__header">Gremium</th> : null}
            <th scope="col" className="kern-table__header">Ort</th>
            <th scope="col" className="kern-table__header">Stand</th>
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {p.entries.map((e) => {
            const m = e.meeting;
            const state = meetingState(m);
            const full = e.view === "full";
            return (
              <tr className="kern-table__row">
                <th scope="row" className="kern-table__cell">
                  <time datetime={isoAttr(m.start_at)}>{dateLong(m.start_at)}</time>
                </th>
                <td className="kern-table__cell">{full ? timeRange(m.start_at, m.end_at) : "–"}</td>
                <td className="kern-table__cell">
                  {full ? (
                    <a className="kern-link" href={ratPath(p.tenant, `sitzungen/${m.id}`)}>{m.name}</a>
                  ) : (
                    <Fragment>
                      Nichtöffentliche Sitzung
                      <br />
                      <span className="kern-body kern-body--small">Tagesordnung und Unterlagen werden nicht veröffentlicht.</span>
                    </Fragment>
                  )}
                </td>
                {showBody ? (
                  <td className="kern-table__cell">{e.org ? <a className="kern-link" href={ratPath(p.tenant, `gremien/${e.org.id}`)}>{e.org.name}</a> : "–"}</td>
                ) : null}
                <td className="kern-table__cell">{full && e.location ? e.location.description : "–"}</td>
                <td className="kern-table__cell">
                  <Badge tone={state.tone} label={state.label} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The German text of a paper or meeting that is gone (410). */
export function WithdrawnPage(p: { tenant: Tenant; kind: "paper" | "meeting" }): SafeHtml {
  return (
    <div className="error-page">
      <h1 className="kern-heading-large">{p.kind === "paper" ? "Vorlage zurückgezogen" : "Sitzung zurückgezogen"}</h1>
      <p className="kern-body kern-body--large">
        {p.kind === "paper" ? "Diese Vorlage wurde zurückgezogen." : "Diese Sitzung wurde zurückgezogen."} Sie war veröffentlicht und steht nicht mehr zur Verfügung.
      </p>
      <p className="kern-body">
        <a className="kern-link" href={ratPath(p.tenant, p.kind === "paper" ? "vorlagen" : "sitzungen")}>{p.kind === "paper" ? "Zu den aktuellen Vorlagen" : "Zum Sitzungskalender"}</a>
      </p>
    </div>
  );
}
