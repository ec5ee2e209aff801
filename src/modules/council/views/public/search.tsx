import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { ErrorSummary, type FieldErrors } from "../../../../platform/ui/forms.js";
import type { SearchHit } from "../../../../platform/search/index.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { OrganizationRow } from "../../store.js";
import type { Viewer } from "../../visibility.js";
import { FeedLinks, Highlighted, Portal } from "./common.js";
import { BodySelect } from "./meetings.js";
import { day, ratPath } from "./format.js";

/** The kinds a search can be narrowed to (the search index's `kind:` facets). */
export const SEARCH_KINDS = ["Beschlussvorlage", "Antrag", "Anfrage", "Mitteilung", "Bericht", "Tagesordnungspunkt", "Sitzung"] as const;

export interface SearchParams {
  q: string;
  art: string;
  gremium: string;
  von: string;
  bis: string;
}

const HIT_TYPES: Record<string, string> = { "council.paper": "Vorlage", "council.agendaItem": "Tagesordnungspunkt", "council.meeting": "Sitzung" };

/** The query string of a search (for the feed, the e-mail alert and links), without empty fields. */
export function searchQueryString(s: SearchParams): string {
  const p = new URLSearchParams();
  for (const k of ["q", "art", "gremium", "von", "bis"] as const) if (s[k]) p.set(k, s[k]);
  const out = p.toString();
  return out ? `?${out}` : "";
}

function FieldError(p: { name: string; error: string | undefined }): SafeHtml {
  if (!p.error) return <Fragment />;
  return (
    <p className="kern-error" id={`${p.name}-fehler`} role="alert">
      <span className="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true"></span>
      <span className="kern-body">{p.error}</span>
    </p>
  );
}

function DateField(p: { name: "von" | "bis"; label: string; value: string; error: string | undefined }): SafeHtml {
  return (
    <div className={`kern-form-input${p.error ? " kern-form-input--error" : ""}`}>
      <label className="kern-label" htmlFor={p.name}>{p.label}<span className="kern-label__optional"> – optional</span></label>
      <div className="kern-hint" id={`${p.name}-hinweis`}>Zum Beispiel 2026-12-31</div>
      <FieldError name={p.name} error={p.error} />
      <input
        className={`kern-form-input__input${p.error ? " kern-form-input__input--error" : ""}`}
        type="date"
        id={p.name}
        name={p.name}
        value={p.value}
        maxlength={10}
        aria-describedby={p.error ? `${p.name}-hinweis ${p.name}-fehler` : `${p.name}-hinweis`}
        aria-invalid={p.error ? "true" : undefined}
      />
    </div>
  );
}

export function SearchForm(p: { tenant: Tenant; params: SearchParams; bodies: OrganizationRow[]; errors: FieldErrors; compact?: boolean }): SafeHtml {
  const s = p.params;
  return (
    <form method="get" action={ratPath(p.tenant, "suche")} className="rat-search no-print" role="search" aria-label="Ratsinformation durchsuchen">
      <div className={`kern-form-input${p.errors.q ? " kern-form-input--error" : ""}`}>
        <label className="kern-label" htmlFor="q">Suchbegriff</label>
        <div className="kern-hint" id="q-hinweis">Sucht in Vorlagen, Tagesordnungen und ihren Dokumenten, zum Beispiel „Bebauungsplan“ oder „Haushalt 2027“</div>
        <FieldError name="q" error={p.errors.q} />
        <input className="kern-form-input__input" type="search" id="q" name="q" value={s.q} maxlength={200} aria-describedby={p.errors.q ? "q-hinweis q-fehler" : "q-hinweis"} />
      </div>
      {p.compact ? null : (
        <fieldset className="kern-fieldset">
          <legend className="kern-label">Suche eingrenzen</legend>
          <div className={`kern-form-input${p.errors.art ? " kern-form-input--error" : ""}`}>
            <label className="kern-label" htmlFor="art">Art</label>
            <FieldError name="art" error={p.errors.art} />
            <div className="kern-form-input__select-wrapper">
              <select className="kern-form-input__select" id="art" name="art" aria-describedby={p.errors.art ? "art-fehler" : undefined} aria-invalid={p.errors.art ? "true" : undefined}>
                <option value="" selected={s.art === ""}>Alle Arten</option>
                {SEARCH_KINDS.map((k) => <option value={k} selected={s.art === k}>{k}</option>)}
              </select>
            </div>
          </div>
          <BodySelect bodies={p.bodies} selected={s.gremium} error={p.errors.gremium} />
          <DateField name="von" label="Datum von" value={s.von} error={p.errors.von} />
          <DateField name="bis" label="Datum bis" value={s.bis} error={p.errors.bis} />
        </fieldset>
      )}
      <button type="submit" className="kern-btn kern-btn--primary"><span className="kern-label">Suchen</span></button>
    </form>
  );
}

export function SearchPage(p: { tenant: Tenant; viewer: Viewer; params: SearchParams; bodies: OrganizationRow[]; errors: FieldErrors; hits: SearchHit[] | undefined; limit: number }): SafeHtml {
  const t = p.tenant;
  const s = p.params;
  const qs = searchQueryString(s);
  return (
    <Portal tenant={t} viewer={p.viewer} section="suche" title="Ratsinformation durchsuchen" lead="Volltextsuche in allen öffentlichen Vorlagen, Tagesordnungspunkten, Sitzungsdokumenten und dem Text ihrer PDF-Dateien.">
      <ErrorSummary errors={p.errors} />
      <SearchForm tenant={t} params={s} bodies={p.bodies} errors={p.errors} />
      {p.viewer.kind !== "public" ? <p className="kern-body kern-body--small">Die Suche findet nur öffentliche Inhalte.</p> : null}
      {p.hits === undefined ? (
        Object.keys(p.errors).length > 0 ? null : <p className="kern-body">Bitte geben Sie einen Suchbegriff ein. Die Suche findet auch andere Wortformen: „Bebauungsplan“ findet „Bebauungspläne“.</p>
      ) : (
        <section aria-labelledby="treffer">
          <h2 className="kern-heading-medium" id="treffer">
            {p.hits.length === 0 ? `Keine Treffer für „${s.q}“` : `${p.hits.length}${p.hits.length >= p.limit ? "+" : ""} Treffer für „${s.q}“`}
          </h2>
          {p.hits.length === 0 ? (
            <p className="kern-body">Versuchen Sie ein anderes oder kürzeres Wort{s.art || s.gremium || s.von || s.bis ? ", oder lassen Sie die Eingrenzung weg" : ""}.</p>
          ) : (
            <Fragment>
              {p.hits.length >= p.limit ? <p className="kern-body kern-body--small">Es werden die {p.limit} besten Treffer gezeigt. Grenzen Sie die Suche ein, um weitere zu finden.</p> : null}
              <ol className="search-results">
                {p.hits.map((hit) => (
                  <li>
                    <a className="kern-link" href={hit.url}><Highlighted text={hit.title} q={s.q} /></a>
                    <p className="kern-body kern-body--small">
                      {HIT_TYPES[hit.type] ?? "Eintrag"}
                      {hit.date ? `, ${day(hit.date)}` : ""}
                    </p>
                    {hit.excerpt ? <p className="kern-body kern-body--small"><Highlighted text={hit.excerpt} q={s.q} /></p> : null}
                  </li>
                ))}
              </ol>
            </Fragment>
          )}
        </section>
      )}
      {p.hits !== undefined ? (
        <FeedLinks
          links={[
            { href: `${ratPath(t, "suche.atom")}${qs}`, label: "Neue Treffer dieser Suche als Feed abonnieren (Atom)", type: "application/atom+xml" },
            { href: `${ratPath(t, "benachrichtigungen")}${qs}`, label: "Bei neuen Treffern per E-Mail benachrichtigen" },
          ]}
        />
      ) : null}
    </Portal>
  );
}
