import { h, Fragment, type SafeHtml } from "../../platform/ui/jsx.js";
import { ErrorSummary, type FieldErrors } from "../../platform/ui/forms.js";
import { highlight } from "../../platform/search/highlight.js";
import type { Tenant } from "../../platform/tenancy.js";
import { MAX_HITS, MAX_QUERY_CHARS, germanDay, hitsPerKind, type SearchKind, type SiteSearchInput, type SiteSearchResult } from "./service.js";

export const searchPath = (t: Pick<Tenant, "slug">) => `/${t.slug}/suche`;

/** Text with the words the query matched (other word forms included) as <mark>, escaped like any text. */
function Highlighted(p: { text: string; q: string }): SafeHtml {
  return <Fragment>{highlight(p.text, p.q).map((s) => (s.match ? <mark>{s.text}</mark> : s.text))}</Fragment>;
}

function FieldError(p: { id: string; error: string | undefined }): SafeHtml {
  if (!p.error) return <Fragment />;
  return (
    <p className="kern-error" id={p.id} role="alert">
      <span className="kern-icon kern-icon--danger kern-icon--small" aria-hidden="true"></span>
      <span className="kern-body">{p.error}</span>
    </p>
  );
}

/** The kinds as a list of names: "Vorlagen, Sitzungen und Aktuelles". */
function kindList(kinds: SearchKind[]): string {
  const labels = kinds.map((k) => k.label);
  return labels.length <= 1 ? (labels[0] ?? "") : `${labels.slice(0, -1).join(", ")} und ${labels.at(-1)}`;
}

/** The search box of the home page: only the query, the full form is on the search page. */
export function HomeSearchBox(p: { tenant: Tenant; kinds: SearchKind[] }): SafeHtml {
  return (
    <form method="get" action={searchPath(p.tenant)} className="site-search" role="search" aria-label="Rathaus durchsuchen">
      <div className="kern-form-input">
        <label className="kern-label" htmlFor="startseite-suche">Suchbegriff</label>
        <div className="kern-hint" id="startseite-suche-hinweis">Durchsucht {kindList(p.kinds)}, zum Beispiel nach „Hundesteuer“ oder „Bebauungsplan“</div>
        <input className="kern-form-input__input" type="search" id="startseite-suche" name="q" maxlength={MAX_QUERY_CHARS} aria-describedby="startseite-suche-hinweis" />
      </div>
      <button type="submit" className="kern-btn kern-btn--primary"><span className="kern-label">Suchen</span></button>
    </form>
  );
}

function SearchForm(p: { tenant: Tenant; kinds: SearchKind[]; input: SiteSearchInput; errors: FieldErrors }): SafeHtml {
  const { input, errors } = p;
  const qDescribed = errors.q ? "q-hinweis q-fehler" : "q-hinweis";
  return (
    <form method="get" action={searchPath(p.tenant)} className="site-search" role="search" aria-label="Rathaus durchsuchen">
      <div className={`kern-form-input${errors.q ? " kern-form-input--error" : ""}`}>
        <label className="kern-label" htmlFor="q">Suchbegriff</label>
        <div className="kern-hint" id="q-hinweis">Die Suche findet auch andere Wortformen: „Hunde“ findet „Hundesteuer“, „Bebauungsplan“ findet „Bebauungspläne“.</div>
        <FieldError id="q-fehler" error={errors.q} />
        <input
          className={`kern-form-input__input${errors.q ? " kern-form-input__input--error" : ""}`}
          type="search"
          id="q"
          name="q"
          value={input.q}
          maxlength={MAX_QUERY_CHARS}
          aria-describedby={qDescribed}
          aria-invalid={errors.q ? "true" : undefined}
        />
      </div>
      <fieldset className={`kern-fieldset${errors.art ? " kern-fieldset--error" : ""}`} aria-describedby={errors.art ? "art-hinweis art-fehler" : "art-hinweis"}>
        <legend className="kern-label">Nur bestimmte Inhalte durchsuchen</legend>
        <div className="kern-hint" id="art-hinweis">Ohne Auswahl werden alle Inhalte durchsucht.</div>
        <FieldError id="art-fehler" error={errors.art} />
        <div className="kern-fieldset__body">
          {p.kinds.map((k, i) => {
            // the first box carries the field's id: the error summary links to #art
            const id = i === 0 ? "art" : `art-${i + 1}`;
            return (
              <div className="kern-form-check">
                <input className="kern-form-check__checkbox" type="checkbox" id={id} name="art" value={k.type} checked={input.art.includes(k.type)} />
                <label className="kern-label" htmlFor={id}>{k.label}</label>
              </div>
            );
          })}
        </div>
      </fieldset>
      <button type="submit" className="kern-btn kern-btn--primary"><span className="kern-label">Suchen</span></button>
    </form>
  );
}

function NoHits(p: { tenant: Tenant; input: SiteSearchInput; noWords: boolean }): SafeHtml {
  const all = `${searchPath(p.tenant)}?${new URLSearchParams({ q: p.input.q }).toString()}`;
  return (
    <Fragment>
      <p className="kern-body">So finden Sie vielleicht, was Sie suchen:</p>
      <ul className="kern-list">
        {p.noWords ? <li>Ihr Suchbegriff besteht nur aus sehr häufigen Wörtern wie „der“ oder „und“. Bitte verwenden Sie ein aussagekräftiges Wort.</li> : null}
        <li>Prüfen Sie die Schreibweise.</li>
        <li>Verwenden Sie weniger oder allgemeinere Wörter, zum Beispiel „Hund“ statt „Anmeldung meines Hundes zur Steuer“.</li>
        {p.input.art.length > 0 ? <li><a className="kern-link" href={all}>In allen Inhalten suchen</a> statt nur in den ausgewählten.</li> : null}
        <li>Sehen Sie sich die <a className="kern-link" href={`/${p.tenant.slug}/`}>Startseite</a> mit allen Angeboten an, oder <a className="kern-link" href={`/${p.tenant.slug}/kontakt`}>fragen Sie im Rathaus nach</a>.</li>
      </ul>
    </Fragment>
  );
}

/** The heading that says how many hits there are (a screen reader reads it on arrival, also from the page title). */
export function hitCountText(q: string, r: SiteSearchResult): string {
  if (r.hits.length === 0) return `Keine Treffer für „${q}“`;
  if (r.more) return `Mehr als ${MAX_HITS} Treffer für „${q}“`;
  return `${r.hits.length} Treffer für „${q}“`;
}

export function SearchPage(p: { tenant: Tenant; kinds: SearchKind[]; input: SiteSearchInput; errors: FieldErrors; result: SiteSearchResult | undefined; staff: boolean }): SafeHtml {
  const t = p.tenant;
  const { input, result } = p;
  const labels = new Map(p.kinds.map((k) => [k.type, k.label]));
  const perKind = result ? hitsPerKind(result.hits, p.kinds) : [];
  return (
    <Fragment>
      <h1 className="kern-heading-large">Suche</h1>
      <p className="kern-body kern-body--large">Durchsuchen Sie {kindList(p.kinds)} der {t.kind} {t.name}.</p>
      <ErrorSummary errors={p.errors} />
      <SearchForm tenant={t} kinds={p.kinds} input={input} errors={p.errors} />
      {p.staff ? <p className="kern-body kern-body--small">Die Suche findet nur öffentliche Inhalte, auch wenn Sie angemeldet sind.</p> : null}
      {result === undefined ? (
        Object.keys(p.errors).length > 0 ? null : <p className="kern-body">Bitte geben Sie einen Suchbegriff ein.</p>
      ) : (
        <section aria-labelledby="treffer">
          <h2 className="kern-heading-medium" id="treffer">{hitCountText(input.q, result)}</h2>
          {result.hits.length === 0 ? (
            <NoHits tenant={t} input={input} noWords={result.noWords} />
          ) : (
            <Fragment>
              {result.more ? <p className="kern-body">Es werden die {MAX_HITS} besten Treffer gezeigt. Verwenden Sie weitere Wörter oder wählen Sie bestimmte Inhalte aus, um die Suche einzugrenzen.</p> : null}
              {perKind.length > 1 ? (
                <p className="kern-body kern-body--small">
                  {result.more ? `Unter den ersten ${MAX_HITS}: ` : "Davon: "}
                  {perKind.map((k) => `${k.kind.label} ${k.count}`).join(", ")}
                </p>
              ) : null}
              <ol className="search-results">
                {result.hits.map((hit) => (
                  <li>
                    <p className="kern-body kern-body--small">
                      {labels.get(hit.type) ?? "Inhalt"}
                      {hit.date ? <Fragment>, <time dateTime={hit.date}>{germanDay(hit.date)}</time></Fragment> : null}
                    </p>
                    <a className="kern-link" href={hit.url}><Highlighted text={hit.title} q={input.q} /></a>
                    {hit.excerpt ? <p className="kern-body"><Highlighted text={hit.excerpt} q={input.q} /></p> : null}
                  </li>
                ))}
              </ol>
            </Fragment>
          )}
        </section>
      )}
    </Fragment>
  );
}
