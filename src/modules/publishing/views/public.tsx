import { h, Fragment, raw, type SafeHtml } from "../../../platform/ui/jsx.js";
import { ErrorSummary, SubmitButton, type FieldErrors } from "../../../platform/ui/forms.js";
import { formatDate, formatDateTime } from "../../../platform/clock.js";
import type { Tenant } from "../../../platform/tenancy.js";
import type { AttachmentRow, ItemRow } from "../store.js";

/** Public pages of publishing: news list and page, announcements (current and archive) and page. */

export const newsPath = (t: Tenant, rest = "") => `/${t.slug}/aktuelles${rest ? `/${rest}` : ""}`;
export const announcementsPath = (t: Tenant, rest = "") => `/${t.slug}/bekanntmachungen${rest ? `/${rest}` : ""}`;
export const itemPath = (t: Tenant, i: Pick<ItemRow, "id" | "kind">) => (i.kind === "news" ? newsPath(t, i.id) : announcementsPath(t, i.id));
export const attachmentPath = (t: Tenant, a: Pick<AttachmentRow, "id" | "file_name">) => newsPath(t, `anhaenge/${a.id}/${a.file_name}`);
const iso = (at: string) => new Date(at).toISOString();

export function fileSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1).replace(".", ",")} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

const TYPE_LABELS: Record<string, string> = { "application/pdf": "PDF", "image/png": "PNG-Bild", "image/jpeg": "JPEG-Bild", "image/gif": "GIF-Bild", "image/webp": "WebP-Bild" };

function FeedLinks(p: { base: string; category?: string | undefined; what: string }): SafeHtml {
  const q = p.category ? `?kategorie=${encodeURIComponent(p.category)}` : "";
  return (
    <p className="kern-body">
      {p.what} abonnieren: <a className="kern-link" href={`${p.base}.rss${q}`}>RSS-Feed{p.category ? ` der Kategorie ${p.category}` : ""}</a>,{" "}
      <a className="kern-link" href={`${p.base}.atom${q}`}>Atom-Feed{p.category ? ` der Kategorie ${p.category}` : ""}</a>
    </p>
  );
}

/** One entry of a list: heading with link, date, category, teaser. */
function Entry(p: { tenant: Tenant; item: ItemRow; level: 2 | 3 }): SafeHtml {
  const i = p.item;
  const heading = <a className="kern-link" href={itemPath(p.tenant, i)}>{i.title}</a>;
  return (
    <li className="publishing-entry">
      <article>
        {p.level === 2 ? <h2 className="kern-heading-small">{heading}</h2> : <h3 className="kern-heading-small">{heading}</h3>}
        <p className="kern-body kern-body--small">
          <time dateTime={iso(i.publish_at!)}>{formatDate(i.publish_at!)}</time>
          {i.category ? <Fragment> · {i.category}</Fragment> : null}
        </p>
        {i.teaser ? <p className="kern-body">{i.teaser}</p> : null}
      </article>
    </li>
  );
}

export function NewsListPage(p: { tenant: Tenant; items: ItemRow[]; categories: string[]; category: string; page: number; pages: number; errors: FieldErrors }): SafeHtml {
  const base = newsPath(p.tenant);
  const q = (page: number) => {
    const params = new URLSearchParams();
    if (p.category) params.set("kategorie", p.category);
    if (page > 1) params.set("seite", String(page));
    const s = params.toString();
    return s ? `${base}?${s}` : base;
  };
  return (
    <Fragment>
      <h1 className="kern-heading-large">Aktuelles{p.category && !p.errors.kategorie ? `: ${p.category}` : ""}</h1>
      <ErrorSummary errors={p.errors} />
      {p.categories.length > 0 || p.errors.kategorie ? (
        <form method="get" action={base} className="filter-form" aria-labelledby="filter-titel">
          <h2 className="kern-heading-small" id="filter-titel">Nach Kategorie filtern</h2>
          <div className={`kern-form-input${p.errors.kategorie ? " kern-form-input--error" : ""}`}>
            <label className="kern-label" htmlFor="kategorie">Kategorie</label>
            {p.errors.kategorie ? <p className="kern-error" id="kategorie-fehler" role="alert"><span className="kern-body">{p.errors.kategorie}</span></p> : null}
            <div className="kern-form-input__select-wrapper">
              <select className="kern-form-input__select" id="kategorie" name="kategorie" aria-describedby={p.errors.kategorie ? "kategorie-fehler" : undefined}>
                <option value="" selected={!p.category}>Alle Kategorien</option>
                {p.categories.map((c) => <option value={c} selected={c === p.category}>{c}</option>)}
              </select>
            </div>
          </div>
          <SubmitButton label="Filtern" secondary />
        </form>
      ) : null}
      {p.items.length === 0 ? (
        <p className="kern-body">{Object.keys(p.errors).length ? "Bitte korrigieren Sie die Auswahl." : "Zurzeit gibt es keine Meldungen."}</p>
      ) : (
        <ul className="publishing-list" aria-label="Meldungen">{p.items.map((i) => <Entry tenant={p.tenant} item={i} level={2} />)}</ul>
      )}
      {p.pages > 1 ? (
        <nav aria-label="Seiten der Meldungen" className="pagination">
          <p className="kern-body">Seite {p.page} von {p.pages}</p>
          <ul className="kern-list">
            {p.page > 1 ? <li><a className="kern-link" href={q(p.page - 1)} rel="prev">Neuere Meldungen</a></li> : null}
            {p.page < p.pages ? <li><a className="kern-link" href={q(p.page + 1)} rel="next">Ältere Meldungen</a></li> : null}
          </ul>
        </nav>
      ) : null}
      <FeedLinks base={base} category={p.errors.kategorie ? undefined : p.category || undefined} what="Aktuelles" />
    </Fragment>
  );
}

export function AnnouncementsPage(p: { tenant: Tenant; items: ItemRow[]; year: string | null; years: string[]; errors: FieldErrors }): SafeHtml {
  const base = announcementsPath(p.tenant);
  return (
    <Fragment>
      <h1 className="kern-heading-large">{p.year ? `Amtliche Bekanntmachungen ${p.year} (Archiv)` : "Amtliche Bekanntmachungen"}</h1>
      <ErrorSummary errors={p.errors} />
      {p.year ? (
        <p className="kern-body">Alle amtlichen Bekanntmachungen, die {p.year} veröffentlicht wurden, mit ihrem Tag der Bekanntmachung. <a className="kern-link" href={base}>Zu den aktuellen Bekanntmachungen</a></p>
      ) : (
        <p className="kern-body">Öffentliche Bekanntmachungen der Stadt erfolgen rechtsverbindlich auf dieser Seite. Maßgeblich ist der angegebene Tag der Bekanntmachung.</p>
      )}
      {p.items.length === 0 ? (
        <p className="kern-body">{p.year ? `Aus dem Jahr ${p.year} gibt es keine Bekanntmachungen.` : Object.keys(p.errors).length ? "Bitte wählen Sie ein Jahr aus der Liste." : "Zurzeit gibt es keine aktuellen Bekanntmachungen."}</p>
      ) : (
        <ul className="publishing-list" aria-label="Bekanntmachungen">{p.items.map((i) => <Entry tenant={p.tenant} item={i} level={2} />)}</ul>
      )}
      {p.years.length ? (
        <nav aria-labelledby="archiv-titel">
          <h2 className="kern-heading-medium" id="archiv-titel">Archiv nach Jahren</h2>
          <ul className="kern-list">
            {p.years.map((y) => <li>{y === p.year ? <span aria-current="page">{y}</span> : <a className="kern-link" href={`${base}?jahr=${y}`}>Bekanntmachungen {y}</a>}</li>)}
          </ul>
        </nav>
      ) : null}
      <FeedLinks base={base} what="Amtliche Bekanntmachungen" />
    </Fragment>
  );
}

export interface ItemPageData {
  item: ItemRow;
  attachments: AttachmentRow[];
  /** the announcement this one corrects (visible to the viewer) */
  corrects?: ItemRow | undefined;
  /** visible announcements correcting this one */
  correctedBy: ItemRow[];
  now: string;
}

/** The body of an item: title, dates, teaser, the stored sanitized HTML, link, attachments, corrections. Used publicly and for the Redaktion's preview. */
export function ItemArticle(p: { tenant: Tenant; data: ItemPageData; preview?: boolean }): SafeHtml {
  const { item: i, attachments, corrects, correctedBy } = p.data;
  const announced = i.kind === "announcement";
  const expired = i.expires_at && iso(i.expires_at) <= p.data.now;
  return (
    <article className="publishing-item" lang="de">
      <h1 className="kern-heading-large">{i.title}</h1>
      <p className="kern-body">
        {i.publish_at && (!p.preview || i.state === "veroeffentlicht") ? (
          announced ? (
            <Fragment><strong>Tag der Bekanntmachung:</strong> <time dateTime={iso(i.publish_at)}>{formatDateTime(i.publish_at)}</time></Fragment>
          ) : (
            <Fragment>Veröffentlicht am <time dateTime={iso(i.publish_at)}>{formatDate(i.publish_at)}</time></Fragment>
          )
        ) : p.preview ? "Noch nicht veröffentlicht (Vorschau)" : null}
        {i.category ? <Fragment> · Kategorie: {i.category}</Fragment> : null}
      </p>
      {announced && i.expires_at ? (
        <p className="kern-body">{expired ? `Aushang beendet am ${formatDateTime(i.expires_at)}; die Bekanntmachung bleibt im Archiv.` : `Aushang bis ${formatDateTime(i.expires_at)}.`}</p>
      ) : null}
      {correctedBy.length ? (
        <div className="kern-alert kern-alert--warning" role="note">
          <div className="kern-alert__body">
            {correctedBy.map((c) => <p className="kern-body">Berichtigt durch: <a className="kern-link" href={itemPath(p.tenant, c)}>{c.title}</a> ({formatDate(c.publish_at!)})</p>)}
          </div>
        </div>
      ) : null}
      {corrects ? (
        <p className="kern-body">Berichtigung zu: <a className="kern-link" href={itemPath(p.tenant, corrects)}>{corrects.title}</a> ({formatDate(corrects.publish_at!)})</p>
      ) : null}
      {i.teaser ? <p className="kern-body kern-body--large">{i.teaser}</p> : null}
      {/* body_html was sanitized when it was saved (sanitize.ts): the only place raw() is used */}
      <div className="publishing-body">{raw(i.body_html)}</div>
      {i.link ? <p className="kern-body"><a className="kern-link" href={i.link}>Mehr dazu auf der zugehörigen Seite</a></p> : null}
      {attachments.length ? (
        <section aria-labelledby="anhaenge-titel">
          <h2 className="kern-heading-medium" id="anhaenge-titel">Anhänge</h2>
          <ul className="kern-list">
            {attachments.map((a) => <li><a className="kern-link" href={attachmentPath(p.tenant, a)}>{a.file_name}</a> ({TYPE_LABELS[a.mime_type] ?? a.mime_type}, {fileSize(a.size)})</li>)}
          </ul>
        </section>
      ) : null}
    </article>
  );
}

export function ItemPage(p: { tenant: Tenant; data: ItemPageData }): SafeHtml {
  const back = p.data.item.kind === "news" ? <a className="kern-link" href={newsPath(p.tenant)}>Alle Meldungen</a> : <a className="kern-link" href={announcementsPath(p.tenant)}>Alle amtlichen Bekanntmachungen</a>;
  return (
    <Fragment>
      <ItemArticle tenant={p.tenant} data={p.data} />
      <p className="kern-body">{back}</p>
    </Fragment>
  );
}
