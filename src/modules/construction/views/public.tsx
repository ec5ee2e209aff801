import { h, Fragment, type SafeHtml } from "../../../platform/ui/jsx.js";
import type { Tenant } from "../../../platform/tenancy.js";
import type { MilestoneRow, PhotoRow, ProjectRow } from "../store.js";
import type { ProjectPageData } from "../service.js";
import { fitInto } from "../images.js";
import { STATUS_LABELS, formatCoordinate, formatEuros, formatMonthOrDay, formatPeriod, paragraphsOf, telHref } from "../values.js";

/** Public pages of construction projects: the list (current first, then completed) and a project's page. */

export const publicBase = (t: Tenant) => `/${t.slug}/bauvorhaben/`;
export const projectPath = (t: Tenant, id: string) => `/${t.slug}/bauvorhaben/${id}`;
export const photoPath = (t: Tenant, p: Pick<PhotoRow, "project_id" | "id">) => `/${t.slug}/bauvorhaben/${p.project_id}/fotos/${p.id}`;

/** Plain text with paragraphs (blank lines) and line breaks, escaped like every other string. */
export function Paragraphs(p: { text: string }): SafeHtml {
  return (
    <Fragment>
      {paragraphsOf(p.text).map((lines) => (
        <p className="kern-body">{lines.map((l, i) => (i === 0 ? l : <Fragment><br />{l}</Fragment>))}</p>
      ))}
    </Fragment>
  );
}

function Fact(p: { label: string; children?: unknown }): SafeHtml {
  return (
    <div className="kern-description-list-item">
      <dt className="kern-description-list-item__key">{p.label}</dt>
      <dd className="kern-description-list-item__value">{p.children as SafeHtml}</dd>
    </div>
  );
}

/** Stand, Zeitraum, Kosten (and, on the project page, Ort and Förderung). */
export function ProjectFacts(p: { project: ProjectRow; full?: boolean }): SafeHtml {
  const x = p.project;
  return (
    <dl className="kern-description-list">
      <Fact label="Stand">{STATUS_LABELS[x.status]}</Fact>
      <Fact label="Zeitraum">{formatPeriod(x.start_date, x.end_date)}</Fact>
      <Fact label="Kosten">{x.budget_cents === null ? "noch nicht beziffert" : formatEuros(x.budget_cents)}</Fact>
      {p.full && x.funding ? <Fact label="Förderung">{x.funding}</Fact> : null}
      {p.full ? null : <Fact label="Ort">{x.location}</Fact>}
    </dl>
  );
}

const CURRENT_ORDER: Record<string, number> = { "in-bau": 0, unterbrochen: 1, geplant: 2 };

/** Current projects (in Bau, unterbrochen, geplant; by start) and completed ones (latest end first). */
export function orderForList(projects: ProjectRow[]): { current: ProjectRow[]; completed: ProjectRow[] } {
  const byTitle = (a: ProjectRow, b: ProjectRow) => a.title.localeCompare(b.title, "de");
  const current = projects
    .filter((x) => x.status !== "abgeschlossen")
    .sort((a, b) => CURRENT_ORDER[a.status]! - CURRENT_ORDER[b.status]! || (a.start_date ?? "9999").localeCompare(b.start_date ?? "9999") || byTitle(a, b));
  const completed = projects.filter((x) => x.status === "abgeschlossen").sort((a, b) => (b.end_date ?? "").localeCompare(a.end_date ?? "") || byTitle(a, b));
  return { current, completed };
}

function ListEntry(p: { tenant: Tenant; project: ProjectRow }): SafeHtml {
  return (
    <li>
      <article>
        <h3 className="kern-heading-small"><a className="kern-link" href={projectPath(p.tenant, p.project.id)}>{p.project.title}</a></h3>
        <p className="kern-body">{p.project.teaser}</p>
        <ProjectFacts project={p.project} />
      </article>
    </li>
  );
}

export function ProjectListPage(p: { tenant: Tenant; projects: ProjectRow[] }): SafeHtml {
  const { current, completed } = orderForList(p.projects);
  return (
    <Fragment>
      <h1 className="kern-heading-large">Öffentliche Bauvorhaben</h1>
      <p className="kern-body">Was die {p.tenant.kind} {p.tenant.name} baut und saniert: wo, bis wann, für wie viel – und wen Sie fragen können.</p>
      <section aria-labelledby="aktuelle">
        <h2 className="kern-heading-medium" id="aktuelle">Aktuelle Bauvorhaben</h2>
        {current.length ? <ul className="tile-list">{current.map((x) => <ListEntry tenant={p.tenant} project={x} />)}</ul> : <p className="kern-body">Zurzeit gibt es keine laufenden oder geplanten Bauvorhaben.</p>}
      </section>
      <section aria-labelledby="abgeschlossene">
        <h2 className="kern-heading-medium" id="abgeschlossene">Abgeschlossene Bauvorhaben</h2>
        {completed.length ? <ul className="tile-list">{completed.map((x) => <ListEntry tenant={p.tenant} project={x} />)}</ul> : <p className="kern-body">Noch keine abgeschlossenen Bauvorhaben.</p>}
      </section>
    </Fragment>
  );
}

/** The state of a milestone in words (never only a colour). */
export function milestoneState(m: MilestoneRow): string {
  return m.done_date ? `erledigt am ${formatMonthOrDay(m.done_date)}` : `geplant für ${formatMonthOrDay(m.planned_date)}`;
}

export function Timeline(p: { milestones: MilestoneRow[] }): SafeHtml {
  return (
    <ol className="kern-list">
      {p.milestones.map((m) => (
        <li>
          <strong>{m.title}</strong>: {milestoneState(m)}
          {m.done_date && m.done_date.slice(0, m.planned_date.length) !== m.planned_date ? <span className="kern-body--small"> (geplant war {formatMonthOrDay(m.planned_date)})</span> : null}
        </li>
      ))}
    </ol>
  );
}

export function Photo(p: { tenant: Tenant; photo: PhotoRow; maxWidth: number; maxHeight: number }): SafeHtml {
  const size = fitInto({ width: p.photo.width, height: p.photo.height }, p.maxWidth, p.maxHeight);
  return <img src={photoPath(p.tenant, p.photo)} alt={p.photo.alt} width={size.width} height={size.height} loading="lazy" />;
}

function Location(p: { project: ProjectRow }): SafeHtml {
  const x = p.project;
  const hasPoint = x.latitude !== null && x.longitude !== null;
  return (
    <Fragment>
      <p className="kern-body">{x.location}</p>
      {hasPoint ? (
        <p className="kern-body">
          Koordinaten (Breite, Länge): {formatCoordinate(x.latitude!)}, {formatCoordinate(x.longitude!)} –{" "}
          <a className="kern-link" href={`https://www.openstreetmap.org/?mlat=${x.latitude}&mlon=${x.longitude}#map=17/${x.latitude}/${x.longitude}`}>Lage auf OpenStreetMap ansehen</a> (externe Website)
        </p>
      ) : null}
    </Fragment>
  );
}

function Contact(p: { project: ProjectRow }): SafeHtml {
  const x = p.project;
  return (
    <address className="address-block">
      <p className="kern-body">{x.contact_name}</p>
      {x.contact_phone ? <p className="kern-body">Telefon: <a className="kern-link" href={telHref(x.contact_phone)}>{x.contact_phone}</a></p> : null}
      {x.contact_email ? <p className="kern-body">E-Mail: <a className="kern-link" href={`mailto:${x.contact_email}`}>{x.contact_email}</a></p> : null}
    </address>
  );
}

/** Everything the public learns about a project. */
export function ProjectPage(p: { tenant: Tenant; data: ProjectPageData }): SafeHtml {
  const { project: x, milestones, updates } = p.data;
  return (
    <Fragment>
      <h1 className="kern-heading-large">{x.title}</h1>
      <p className="kern-body kern-body--large">{x.teaser}</p>
      <ProjectFacts project={x} full />
      <h2 className="kern-heading-medium">Ort</h2>
      <Location project={x} />
      <h2 className="kern-heading-medium">Beschreibung</h2>
      <Paragraphs text={x.description} />
      {milestones.length ? (
        <Fragment>
          <h2 className="kern-heading-medium" id="zeitplan">Zeitplan</h2>
          <Timeline milestones={milestones} />
        </Fragment>
      ) : null}
      <h2 className="kern-heading-medium" id="neuigkeiten">Neuigkeiten von der Baustelle</h2>
      {updates.length === 0 ? <p className="kern-body">Noch keine Neuigkeiten.</p> : null}
      {updates.map(({ update: u, photos }) => (
        <section aria-labelledby={`neuigkeit-${u.id}`}>
          <h3 className="kern-heading-small" id={`neuigkeit-${u.id}`}>{u.title}</h3>
          <p className="kern-body kern-body--small"><time dateTime={u.update_date}>{formatMonthOrDay(u.update_date)}</time></p>
          <Paragraphs text={u.body} />
          {photos.length ? (
            <ul className="tile-list" aria-label={`Fotos zu „${u.title}“`}>
              {photos.map((ph) => <li><Photo tenant={p.tenant} photo={ph} maxWidth={640} maxHeight={480} /></li>)}
            </ul>
          ) : null}
        </section>
      ))}
      <h2 className="kern-heading-medium" id="ansprechpartner">Ansprechpartner</h2>
      <Contact project={x} />
      <p className="kern-body"><a className="kern-link" href={publicBase(p.tenant)}>Alle Bauvorhaben</a></p>
    </Fragment>
  );
}
