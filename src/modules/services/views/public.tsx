import { h, Fragment, type SafeHtml } from "../../../platform/ui/jsx.js";
import { RathausText } from "../../../platform/ui/rathaus-text.js";
import { TRUST_LABELS } from "../../../platform/auth/trust.js";
import type { Tenant } from "../../../platform/tenancy.js";
import type { Department } from "../../tenants/index.js";
// Presentational parts shared with the tenants module's pages (address, contact, opening hours).
import { AddressBlock, ContactList, OpeningHoursTable } from "../../../platform/ui/contact.js";
import type { ServiceDefinition } from "../definitions.js";
import { AREA_LABELS, LIFE_SITUATION_LABELS, LOGIN_HINTS, formatEuro } from "../labels.js";

const base = (t: Tenant) => `/${t.slug}/dienste/`;

function ServiceList(p: { tenant: Tenant; services: ServiceDefinition[]; headingLevel?: 2 | 3 }): SafeHtml {
  const level = p.headingLevel ?? 2;
  return (
    <ul className="service-list">
      {p.services.map((s) => (
        <li className="service-list__item">
          {h(`h${level}`, { className: "kern-heading-small" }, <a className="kern-link" href={`${base(p.tenant)}${s.id}`}>{s.title}</a>)}
          <p className="kern-body">{s.summary}</p>
          {s.fullyDigital ? null : <p className="kern-body kern-body--small">Teilweise online: Ein Termin vor Ort ist nötig.</p>}
        </li>
      ))}
    </ul>
  );
}

export function CatalogueIndex(p: { tenant: Tenant; services: ServiceDefinition[] }): SafeHtml {
  const t = p.tenant;
  const areas = Object.entries(AREA_LABELS).map(([key, label]) => ({ key, label, services: p.services.filter((s) => s.area === key) })).filter((a) => a.services.length > 0);
  const situations = Object.entries(LIFE_SITUATION_LABELS)
    .map(([key, label]) => ({ key, label, count: p.services.filter((s) => s.lifeSituations?.includes(key)).length }))
    .filter((l) => l.count > 0);
  return (
    <Fragment>
      <h1 className="kern-heading-large">Digitales Rathaus: Online-Dienste der {t.kind} {t.name}</h1>
      <p className="kern-body kern-body--large">
        Alle Leistungen des Rathauses: was Sie dafür brauchen, was es kostet und wer zuständig ist. Wählen Sie einen Bereich oder eine Lebenslage, oder suchen Sie.
      </p>
      <SearchForm tenant={t} q="" />
      {p.services.length === 0 ? <p className="kern-body">Die {t.kind} {t.name} bietet noch keine Online-Dienste an.</p> : null}
      {situations.length > 0 ? (
        <section aria-labelledby="lebenslagen">
          <h2 className="kern-heading-medium" id="lebenslagen">Lebenslagen</h2>
          <ul className="tile-list">
            {situations.map((l) => (
              <li><a className="kern-link" href={`${base(t)}lebenslage/${l.key}`}>{l.label}</a> <span className="kern-body kern-body--small">({l.count} {l.count === 1 ? "Dienst" : "Dienste"})</span></li>
            ))}
          </ul>
        </section>
      ) : null}
      {areas.length > 0 ? (
        <section aria-labelledby="bereiche">
          <h2 className="kern-heading-medium" id="bereiche">Bereiche</h2>
          {areas.map((a) => (
            <section aria-labelledby={`bereich-${a.key}`} className="service-area">
              <h3 className="kern-heading-small" id={`bereich-${a.key}`}>
                <a className="kern-link" href={`${base(t)}bereich/${a.key}`}>{a.label}</a>
              </h3>
              <ul className="kern-list">
                {a.services.map((s) => <li><a className="kern-link" href={`${base(t)}${s.id}`}>{s.title}</a></li>)}
              </ul>
            </section>
          ))}
        </section>
      ) : null}
    </Fragment>
  );
}

export function ServiceGroupPage(p: { tenant: Tenant; title: string; intro: string; services: ServiceDefinition[] }): SafeHtml {
  const t = p.tenant;
  return (
    <Fragment>
      <h1 className="kern-heading-large">{p.title}</h1>
      <p className="kern-body kern-body--large">{p.intro}</p>
      {p.services.length > 0 ? (
        <ServiceList tenant={t} services={p.services} />
      ) : (
        <p className="kern-body">Hierzu bietet die {t.kind} {t.name} noch keine Online-Dienste an.</p>
      )}
      <p className="kern-body"><a className="kern-link" href={base(t)}>Alle Online-Dienste der {t.kind} {t.name}</a></p>
    </Fragment>
  );
}

/** `start`: the form that begins the online application (a POST: starting creates a draft), and the fillable PDF. */
export function ServicePage(p: { tenant: Tenant; service: ServiceDefinition; department: Department | undefined; rathausContactHref: string; start?: { action: string; csrf: string; pdfHref: string } | undefined }): SafeHtml {
  const t = p.tenant;
  const s = p.service;
  return (
    <article className="service-page">
      <h1 className="kern-heading-large">{s.title}</h1>
      <p className="kern-body kern-body--large">{s.summary}</p>
      {s.fullyDigital ? null : (
        <div className="kern-alert kern-alert--info" role="note">
          <div className="kern-alert__header">
            <span className="kern-icon kern-icon--info" aria-hidden="true"></span>
            <h2 className="kern-title">Was Sie online erledigen können</h2>
          </div>
          <div className="kern-alert__body"><RathausText text={s.onlineParts ?? ""} headingOffset={1} /></div>
        </div>
      )}
      <section aria-labelledby="antrag-stellen" className="service-start">
        <h2 className="kern-heading-medium" id="antrag-stellen">{p.start ? "Online-Antrag" : "So stellen Sie den Antrag"}</h2>
        {p.start ? (
          <Fragment>
            <p className="kern-body">{LOGIN_HINTS[s.trustLevel]}</p>
            <form method="post" action={p.start.action} className="start-form">
              <input type="hidden" name="_csrf" value={p.start.csrf} />
              <button type="submit" className="kern-btn kern-btn--primary"><span className="kern-label">Antrag „{s.title}“ online stellen</span></button>
            </form>
            <p className="kern-body">Sie möchten lieber am Computer ein Formular ausfüllen? <a className="kern-link" href={p.start.pdfHref}>Antrag als ausfüllbares PDF</a> – ohne Ausdrucken, das ausgefüllte PDF laden Sie hier wieder hoch.</p>
          </Fragment>
        ) : (
          <p className="kern-body">
            Wenden Sie sich mit den unten genannten Unterlagen an {p.department ? p.department.name : "das Rathaus"}: per E-Mail, telefonisch oder persönlich zu den Öffnungszeiten (siehe „Zuständig“).
          </p>
        )}
      </section>
      <section aria-labelledby="beschreibung">
        <h2 className="kern-heading-medium" id="beschreibung">Beschreibung</h2>
        <RathausText text={s.description} headingOffset={1} />
      </section>
      <section aria-labelledby="wer">
        <h2 className="kern-heading-medium" id="wer">Wer kann den Antrag stellen?</h2>
        <RathausText text={s.eligibility} headingOffset={1} />
      </section>
      <section aria-labelledby="unterlagen">
        <h2 className="kern-heading-medium" id="unterlagen">Erforderliche Unterlagen</h2>
        {s.requiredDocuments.length ? <ul className="kern-list">{s.requiredDocuments.map((d) => <li>{d}</li>)}</ul> : <p className="kern-body">Sie brauchen keine Unterlagen.</p>}
      </section>
      <section aria-labelledby="gebuehren">
        <h2 className="kern-heading-medium" id="gebuehren">Gebühren</h2>
        {s.fees.length ? (
          <div className="kern-table-responsive">
            <table className="kern-table">
              <caption className="kern-sr-only">Gebühren für „{s.title}“</caption>
              <thead className="kern-table__header">
                <tr className="kern-table__row">
                  <th scope="col" className="kern-table__header">Leistung</th>
                  <th scope="col" className="kern-table__header">Gebühr</th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {s.fees.map((f) => (
                  <tr className="kern-table__row">
                    <th scope="row" className="kern-table__cell">
                      {f.label}
                      {f.note ? <Fragment><br /><span className="kern-body kern-body--small">{f.note}</span></Fragment> : null}
                    </th>
                    <td className="kern-table__cell">{formatEuro(f.amountCents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="kern-body">Der Dienst ist gebührenfrei.</p>
        )}
      </section>
      <section aria-labelledby="dauer">
        <h2 className="kern-heading-medium" id="dauer">Bearbeitungsdauer</h2>
        <p className="kern-body">{s.processingTime}</p>
      </section>
      <section aria-labelledby="rechtsgrundlage">
        <h2 className="kern-heading-medium" id="rechtsgrundlage">Rechtsgrundlage</h2>
        <ul className="kern-list">
          {s.legalBasis.map((l) => <li>{l.url ? <a className="kern-link" href={l.url}>{l.label}</a> : l.label}</li>)}
        </ul>
      </section>
      <section aria-labelledby="zustaendig">
        <h2 className="kern-heading-medium" id="zustaendig">Zuständig</h2>
        {p.department ? (
          <div className="two-columns">
            <div>
              <p className="kern-body"><a className="kern-link" href={`/${t.slug}/aemter/${p.department.key}`}>{p.department.name}</a></p>
              <AddressBlock address={p.department.address} room={p.department.room} />
              <ContactList contact={p.department.contact} />
            </div>
            <OpeningHoursTable hours={p.department.openingHours} caption={`Öffnungszeiten: ${p.department.name}`} />
          </div>
        ) : (
          <p className="kern-body">Bitte wenden Sie sich an das Rathaus: <a className="kern-link" href={p.rathausContactHref}>Kontakt und Öffnungszeiten</a></p>
        )}
      </section>
      <section aria-labelledby="weitere-angaben">
        <h2 className="kern-heading-medium" id="weitere-angaben">Weitere Angaben</h2>
        <dl className="kern-description-list">
          <div className="kern-description-list-item">
            <dt className="kern-description-list-item__key">LeiKa-Schlüssel</dt>
            <dd className="kern-description-list-item__value">{s.leikaKey}</dd>
          </div>
          <div className="kern-description-list-item">
            <dt className="kern-description-list-item__key">Vertrauensniveau</dt>
            <dd className="kern-description-list-item__value">{TRUST_LABELS[s.trustLevel]}</dd>
          </div>
          <div className="kern-description-list-item">
            <dt className="kern-description-list-item__key">Bereich</dt>
            <dd className="kern-description-list-item__value"><a className="kern-link" href={`${base(t)}bereich/${s.area}`}>{AREA_LABELS[s.area] ?? s.area}</a></dd>
          </div>
          <div className="kern-description-list-item">
            <dt className="kern-description-list-item__key">Stand der Angaben</dt>
            <dd className="kern-description-list-item__value">{formatIsoDate(s.provenance.reviewedAt)} (Version {s.version})</dd>
          </div>
        </dl>
      </section>
    </article>
  );
}

function formatIsoDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}

export function SearchForm(p: { tenant: Tenant; q: string }): SafeHtml {
  return (
    <form method="get" action={`${base(p.tenant)}suche`} className="service-search" role="search" aria-label="Online-Dienste durchsuchen">
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="q">Leistung suchen</label>
        <div className="kern-hint" id="q-hinweis">Zum Beispiel „Sperrmüll“, „Hund anmelden“ oder „Meldebescheinigung“</div>
        <input className="kern-form-input__input" type="search" id="q" name="q" value={p.q} maxlength={200} aria-describedby="q-hinweis" />
      </div>
      <button type="submit" className="kern-btn kern-btn--primary"><span className="kern-label">Suchen</span></button>
    </form>
  );
}

export function SearchResults(p: { tenant: Tenant; q: string; hits: { title: string; url: string; excerpt: string }[] }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Leistungen suchen</h1>
      <SearchForm tenant={p.tenant} q={p.q} />
      {p.q ? (
        <section aria-labelledby="treffer">
          <h2 className="kern-heading-medium" id="treffer">{p.hits.length === 0 ? `Keine Treffer für „${p.q}“` : `${p.hits.length} ${p.hits.length === 1 ? "Treffer" : "Treffer"} für „${p.q}“`}</h2>
          {p.hits.length === 0 ? (
            <p className="kern-body">Versuchen Sie ein anderes Wort, oder sehen Sie sich <a className="kern-link" href={base(p.tenant)}>alle Online-Dienste</a> an.</p>
          ) : (
            <ul className="search-results">
              {p.hits.map((hit) => (
                <li>
                  <a className="kern-link" href={hit.url}>{hit.title}</a>
                  <p className="kern-body kern-body--small">{hit.excerpt}</p>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </Fragment>
  );
}
