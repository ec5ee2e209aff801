import { h, Fragment, type SafeHtml } from "../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SelectField, SubmitButton, TextArea, TextField, type FieldErrors } from "../../../platform/ui/forms.js";
import { formatDateTime } from "../../../platform/clock.js";
import type { Tenant } from "../../../platform/tenancy.js";
import { listStateOf, type AttachmentRow, type EventAction, type ItemRow, type ListState } from "../store.js";
import { ALLOWED_TAGS } from "../sanitize.js";
import { KIND_LABELS, MAX_ATTACHMENT_BYTES, RULE_LABELS, type Delivery } from "../service.js";
import { ItemArticle, attachmentPath, fileSize, itemPath, type ItemPageData } from "./public.js";

/** The Redaktion's pages under /{slug}/verwaltung/redaktion. */

export const staffBase = (t: Tenant) => `/${t.slug}/verwaltung/redaktion`;

export const STATE_LABELS: Record<ListState, string> = { entwurf: "Entwurf", pruefung: "Prüfung", geplant: "geplant", veroeffentlicht: "veröffentlicht", abgelaufen: "abgelaufen" };
export const LIST_STATES = Object.keys(STATE_LABELS) as ListState[];

export interface ItemFormValues {
  art: string;
  titel: string;
  teaser: string;
  kategorie: string;
  text: string;
  datum: string;
  uhrzeit: string;
  ablauf_datum: string;
  ablauf_uhrzeit: string;
}

export const emptyItemForm = (art = "news"): ItemFormValues => ({ art, titel: "", teaser: "", kategorie: "", text: "", datum: "", uhrzeit: "", ablauf_datum: "", ablauf_uhrzeit: "" });

function Notice(p: { text: string | undefined }): SafeHtml {
  if (!p.text) return <Fragment />;
  return (
    <div className="kern-alert kern-alert--success" role="status">
      <div className="kern-alert__body"><p className="kern-body">{p.text}</p></div>
    </div>
  );
}

function Action(p: { action: string; csrf: string; label: string; primary?: boolean }): SafeHtml {
  return (
    <form method="post" action={p.action} className="inline-form">
      <CsrfField token={p.csrf} />
      <button type="submit" className={`kern-btn ${p.primary ? "kern-btn--primary" : "kern-btn--secondary"}`}><span className="kern-label">{p.label}</span></button>
    </form>
  );
}

function when(i: ItemRow, now: string): string {
  const s = listStateOf(i, now);
  if (s === "geplant") return `geplant für ${formatDateTime(i.publish_at!)}`;
  if (s === "veroeffentlicht" || s === "abgelaufen") return `veröffentlicht ${formatDateTime(i.publish_at!)}${i.expires_at ? `, Ablauf ${formatDateTime(i.expires_at)}` : ""}`;
  return `geändert ${formatDateTime(i.modified_at)}`;
}

export function ListPage(p: { tenant: Tenant; state: ListState; counts: Record<ListState, number>; items: ItemRow[]; now: string; notice?: string | undefined }): SafeHtml {
  const b = staffBase(p.tenant);
  return (
    <Fragment>
      <h1 className="kern-heading-large">Redaktion</h1>
      <Notice text={p.notice} />
      <ul className="kern-list">
        <li><a className="kern-link" href={`${b}/neu?art=news`}>Neue Meldung (Aktuelles) schreiben</a></li>
        <li><a className="kern-link" href={`${b}/neu?art=announcement`}>Neue amtliche Bekanntmachung schreiben</a></li>
        <li><a className="kern-link" href={`${b}/regeln`}>Meldungen aus anderen Bereichen: Regeln</a></li>
      </ul>
      <nav aria-label="Beiträge nach Stand">
        <ul className="kern-list tab-list">
          {LIST_STATES.map((s) => (
            <li>{s === p.state ? <strong aria-current="page">{STATE_LABELS[s]} ({p.counts[s]})</strong> : <a className="kern-link" href={`${b}?stand=${s}`}>{STATE_LABELS[s]} ({p.counts[s]})</a>}</li>
          ))}
        </ul>
      </nav>
      {p.items.length === 0 ? <p className="kern-body">Keine Beiträge im Stand „{STATE_LABELS[p.state]}“.</p> : (
        <div className="kern-table-responsive">
          <table className="kern-table">
            <caption className="kern-title">Beiträge im Stand „{STATE_LABELS[p.state]}“</caption>
            <thead className="kern-table__head">
              <tr className="kern-table__row">
                <th className="kern-table__header" scope="col">Titel</th>
                <th className="kern-table__header" scope="col">Art</th>
                <th className="kern-table__header" scope="col">Kategorie</th>
                <th className="kern-table__header" scope="col">Zeit</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {p.items.map((i) => (
                <tr className="kern-table__row">
                  <th className="kern-table__cell" scope="row"><a className="kern-link" href={`${b}/${i.id}`}>{i.title}</a></th>
                  <td className="kern-table__cell">{KIND_LABELS[i.kind]}{i.source_type ? " (automatisch angelegt)" : ""}</td>
                  <td className="kern-table__cell">{i.category ?? "–"}</td>
                  <td className="kern-table__cell">{when(i, p.now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Fragment>
  );
}

export function ItemFormPage(p: { tenant: Tenant; title: string; action: string; csrf: string; values: ItemFormValues; errors: FieldErrors; categories: string[]; cancelHref: string; kindLocked?: boolean }): SafeHtml {
  const v = p.values;
  const e = p.errors;
  const allowed = ALLOWED_TAGS.map((t) => `<${t}>`).join(", ");
  return (
    <Fragment>
      <h1 className="kern-heading-large">{p.title}</h1>
      <ErrorSummary errors={e} />
      <form method="post" action={p.action} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        {p.kindLocked ? (
          <p className="kern-body">Art: {KIND_LABELS[v.art as "news"] ?? v.art}<input type="hidden" name="art" value={v.art} /></p>
        ) : (
          <SelectField name="art" label="Art" value={v.art} error={e.art} options={[{ value: "news", label: "Meldung (Aktuelles)" }, { value: "announcement", label: "Amtliche Bekanntmachung" }]} />
        )}
        <TextField name="titel" label="Titel" value={v.titel} error={e.titel} required maxlength={200} />
        <TextArea name="teaser" label="Vorspann" hint="Ein bis zwei Sätze; erscheint in Listen, Feeds und auf der Startseite." value={v.teaser} error={e.teaser} rows={3} maxlength={500} />
        <TextField name="kategorie" label="Kategorie" hint={p.categories.length ? `Bisher verwendet: ${p.categories.join(", ")}. Eine neue Kategorie legen Sie an, indem Sie sie hier eintragen.` : "Zum Beispiel Rathaus, Bauen oder Kultur."} value={v.kategorie} error={e.kategorie} maxlength={60} />
        <TextArea
          name="text"
          label="Text (HTML)"
          hint={`Erlaubt sind ${allowed}; Links mit http, https oder mailto; Bilder nur aus den Anhängen dieses Beitrags und nur mit Alternativtext (alt). Alles andere (Skripte, style, iframes, Ereignis-Attribute) wird beim Speichern entfernt.`}
          value={v.text}
          error={e.text}
          rows={16}
          required
        />
        <fieldset className="kern-fieldset">
          <legend className="kern-label">Veröffentlichung planen – optional</legend>
          <p className="kern-hint" id="plan-hinweis">Leer lassen, um beim Veröffentlichen sofort zu veröffentlichen. Zeiten gelten in deutscher Zeit (Europe/Berlin).</p>
          <TextField name="datum" label="Datum (TT.MM.JJJJ)" value={v.datum} error={e.datum} inputmode="numeric" maxlength={10} />
          <TextField name="uhrzeit" label="Uhrzeit (SS:MM)" value={v.uhrzeit} error={e.uhrzeit} inputmode="numeric" maxlength={5} />
        </fieldset>
        <fieldset className="kern-fieldset">
          <legend className="kern-label">Ablauf – optional</legend>
          <p className="kern-hint">Ab diesem Zeitpunkt erscheint eine Meldung nicht mehr; eine Bekanntmachung wandert ins Archiv.</p>
          <TextField name="ablauf_datum" label="Ablaufdatum (TT.MM.JJJJ)" value={v.ablauf_datum} error={e.ablauf_datum} inputmode="numeric" maxlength={10} />
          <TextField name="ablauf_uhrzeit" label="Ablaufuhrzeit (SS:MM)" value={v.ablauf_uhrzeit} error={e.ablauf_uhrzeit} inputmode="numeric" maxlength={5} />
        </fieldset>
        <SubmitButton label="Speichern" />
      </form>
      <p className="kern-body"><a className="kern-link" href={p.cancelHref}>Abbrechen und zurück</a></p>
    </Fragment>
  );
}

export function ItemStaffPage(p: {
  tenant: Tenant;
  data: ItemPageData;
  csrf: string;
  deliveries: Delivery[];
  notice?: string | undefined;
  errors: FieldErrors;
  changeable: boolean;
}): SafeHtml {
  const i = p.data.item;
  const b = `${staffBase(p.tenant)}/${i.id}`;
  const state = listStateOf(i, p.data.now);
  const removed = JSON.parse(i.removed_on_save) as string[];
  const appeared = state === "veroeffentlicht" || state === "abgelaufen";
  const planned = i.publish_at && new Date(i.publish_at).toISOString() > p.data.now;
  return (
    <Fragment>
      <h1 className="kern-heading-large">{i.title}</h1>
      <Notice text={p.notice} />
      <ErrorSummary errors={p.errors} />
      {removed.length ? (
        <div className="kern-alert kern-alert--warning" role="status">
          <div className="kern-alert__header"><h2 className="kern-title">Beim Speichern entfernt</h2></div>
          <div className="kern-alert__body">
            <p className="kern-body">Diese Teile des Textes sind nicht erlaubt oder unsicher und wurden beim letzten Speichern entfernt:</p>
            <ul className="kern-list">{removed.map((r) => <li>{r}</li>)}</ul>
          </div>
        </div>
      ) : null}
      <dl className="kern-description-list">
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Art</dt><dd className="kern-description-list-item__value">{KIND_LABELS[i.kind]}</dd></div>
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Stand</dt><dd className="kern-description-list-item__value">{STATE_LABELS[state]}</dd></div>
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Zeit</dt><dd className="kern-description-list-item__value">{planned && state !== "geplant" ? `Veröffentlichung geplant für ${formatDateTime(i.publish_at!)}` : when(i, p.data.now)}</dd></div>
        {i.source_type ? <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Quelle</dt><dd className="kern-description-list-item__value">automatisch angelegt ({i.source_type})</dd></div> : null}
      </dl>
      {appeared ? <p className="kern-body"><a className="kern-link" href={itemPath(p.tenant, i)}>Öffentliche Seite ansehen</a></p> : null}
      <section aria-labelledby="aktionen">
        <h2 className="kern-heading-medium" id="aktionen">Aktionen</h2>
        <div className="action-row">
          {p.changeable ? <a className="kern-btn kern-btn--secondary" href={`${b}/bearbeiten`}><span className="kern-label">Bearbeiten</span></a> : null}
          {i.state === "entwurf" ? <Action action={`${b}/vorlegen`} csrf={p.csrf} label="Zur Prüfung vorlegen" primary /> : null}
          {i.state === "pruefung" ? <Action action={`${b}/veroeffentlichen`} csrf={p.csrf} label={planned ? `Veröffentlichen am ${formatDateTime(i.publish_at!)}` : "Jetzt veröffentlichen"} primary /> : null}
          {i.state === "pruefung" ? <Action action={`${b}/zurueck`} csrf={p.csrf} label="Zurück an Entwurf" /> : null}
          {state === "geplant" ? <Action action={`${b}/zurueck`} csrf={p.csrf} label="Planung zurücknehmen" /> : null}
          {appeared && i.kind === "news" ? <Action action={`${b}/zurueck`} csrf={p.csrf} label="Zurückziehen (wieder Entwurf)" /> : null}
          {appeared && i.kind === "announcement" ? <Action action={`${b}/berichtigen`} csrf={p.csrf} label="Berichtigung anlegen" /> : null}
          {i.state !== "veroeffentlicht" ? <Action action={`${b}/loeschen`} csrf={p.csrf} label="Löschen" /> : null}
        </div>
        {appeared && i.kind === "announcement" ? <p className="kern-body">Eine veröffentlichte Bekanntmachung kann nicht geändert oder gelöscht werden. Eine Korrektur ist eine neue Bekanntmachung (Berichtigung), die auf diese verweist.</p> : null}
      </section>
      <section aria-labelledby="anhaenge">
        <h2 className="kern-heading-medium" id="anhaenge">Anhänge</h2>
        {p.data.attachments.length === 0 ? <p className="kern-body">Keine Anhänge.</p> : (
          <ul className="kern-list">
            {p.data.attachments.map((a: AttachmentRow) => (
              <li>
                <a className="kern-link" href={attachmentPath(p.tenant, a)}>{a.file_name}</a> ({fileSize(a.size)})
                {a.mime_type.startsWith("image/") ? <Fragment><br /><span className="kern-hint">Im Text einbinden: <code>{`<img src="${attachmentPath(p.tenant, a)}" alt="Beschreibung des Bildes">`}</code></span></Fragment> : null}
                {p.changeable ? (
                  <form method="post" action={`${b}/anhaenge/${a.id}/loeschen`} className="inline-form">
                    <CsrfField token={p.csrf} />
                    <button type="submit" className="kern-btn kern-btn--tertiary"><span className="kern-label">Entfernen<span className="visually-hidden"> {a.file_name}</span></span></button>
                  </form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {p.changeable ? (
          <form method="post" action={`${b}/anhaenge`} encType="multipart/form-data" className="stack-form">
            <CsrfField token={p.csrf} />
            <div className={`kern-form-input${p.errors.datei ? " kern-form-input--error" : ""}`}>
              <label className="kern-label" htmlFor="datei">Datei hochladen (PDF, PNG, JPEG, GIF oder WebP, höchstens {MAX_ATTACHMENT_BYTES / 1024 / 1024} MB)</label>
              {p.errors.datei ? <p className="kern-error" id="datei-fehler" role="alert"><span className="kern-body">{p.errors.datei}</span></p> : null}
              <input className="kern-form-input__input" id="datei" name="datei" type="file" accept="application/pdf,image/png,image/jpeg,image/gif,image/webp" aria-describedby={p.errors.datei ? "datei-fehler" : undefined} />
            </div>
            <SubmitButton label="Hochladen" secondary />
          </form>
        ) : null}
      </section>
      {appeared ? (
        <section aria-labelledby="versand">
          <h2 className="kern-heading-medium" id="versand">Versand</h2>
          {p.deliveries.length === 0 ? <p className="kern-body">Für diesen Beitrag ist kein Versand an weitere Kanäle erfasst.</p> : (
            <table className="kern-table">
              <caption className="kern-title">Wohin der Beitrag gesendet wurde</caption>
              <thead className="kern-table__head"><tr className="kern-table__row"><th className="kern-table__header" scope="col">Kanal</th><th className="kern-table__header" scope="col">Ziel</th><th className="kern-table__header" scope="col">Stand</th><th className="kern-table__header" scope="col">Fehler</th></tr></thead>
              <tbody className="kern-table__body">
                {p.deliveries.map((d) => <tr className="kern-table__row"><th className="kern-table__cell" scope="row">{d.channel}</th><td className="kern-table__cell">{d.target}</td><td className="kern-table__cell">{d.status}</td><td className="kern-table__cell">{d.error ?? "–"}</td></tr>)}
              </tbody>
            </table>
          )}
        </section>
      ) : null}
      <section aria-labelledby="vorschau" className="publishing-preview">
        <h2 className="kern-heading-medium" id="vorschau">Vorschau</h2>
        <ItemArticle tenant={p.tenant} data={p.data} preview />
      </section>
      <p className="kern-body"><a className="kern-link" href={staffBase(p.tenant)}>Zurück zur Übersicht der Redaktion</a></p>
    </Fragment>
  );
}

export function RulesPage(p: { tenant: Tenant; csrf: string; rules: { type: string; label: string; action: EventAction }[]; notice?: string | undefined; errors?: FieldErrors }): SafeHtml {
  const errors = p.errors ?? {};
  return (
    <Fragment>
      <h1 className="kern-heading-large">Meldungen aus anderen Bereichen</h1>
      <Notice text={p.notice} />
      <ErrorSummary errors={errors} />
      <p className="kern-body">Andere Bereiche des Rathauses melden Ereignisse, etwa eine veröffentlichte Einladung zu einer Sitzung. Legen Sie für jede Art fest, ob daraus automatisch ein Beitrag veröffentlicht, ein Entwurf zur Prüfung angelegt oder nichts getan wird.</p>
      <form method="post" action={`${staffBase(p.tenant)}/regeln`} className="stack-form">
        <CsrfField token={p.csrf} />
        {p.rules.map((r) => (
          <SelectField name={`regel-${r.type}`} label={r.label} value={r.action} error={errors[`regel-${r.type}`]} options={(["auto", "draft", "ignore"] as EventAction[]).map((a) => ({ value: a, label: RULE_LABELS[a] }))} />
        ))}
        <SubmitButton label="Regeln speichern" />
      </form>
      <p className="kern-body"><a className="kern-link" href={staffBase(p.tenant)}>Zurück zur Übersicht der Redaktion</a></p>
    </Fragment>
  );
}
