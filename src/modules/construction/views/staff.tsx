import { h, Fragment, type SafeHtml } from "../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SelectField, SubmitButton, TextArea, TextField, type FieldErrors } from "../../../platform/ui/forms.js";
import { formatDateTime } from "../../../platform/clock.js";
import type { Tenant } from "../../../platform/tenancy.js";
import type { MilestoneForm, ProjectForm, ProjectPageData, UpdateForm } from "../service.js";
import { MAX_PHOTO_BYTES, MAX_PHOTOS_PER_UPDATE } from "../service.js";
import type { MilestoneRow, PhotoRow, ProjectRow, UpdateRow } from "../store.js";
import { STATUSES, STATUS_LABELS, eurosFormValue, formValueOf, formatCoordinate, formatMonthOrDay, formatPeriod } from "../values.js";
import { Paragraphs, Photo, ProjectFacts, milestoneState, projectPath } from "./public.js";

/** The Bauamt's pages under /{slug}/verwaltung/bauvorhaben. */

export const staffBase = (t: Tenant) => `/${t.slug}/verwaltung/bauvorhaben`;
export const staffProjectPath = (t: Tenant, id: string) => `${staffBase(t)}/${id}`;

export const emptyProjectForm = (): ProjectForm => ({
  titel: "", kurzbeschreibung: "", beschreibung: "", ort: "", breite: "", laenge: "", kosten: "", foerderung: "", stand: "geplant", beginn: "", ende: "", kontakt_name: "", kontakt_telefon: "", kontakt_email: "",
});

export function projectFormOf(x: ProjectRow): ProjectForm {
  return {
    titel: x.title,
    kurzbeschreibung: x.teaser,
    beschreibung: x.description,
    ort: x.location,
    breite: x.latitude === null ? "" : formatCoordinate(x.latitude),
    laenge: x.longitude === null ? "" : formatCoordinate(x.longitude),
    kosten: eurosFormValue(x.budget_cents),
    foerderung: x.funding ?? "",
    stand: x.status,
    beginn: formValueOf(x.start_date),
    ende: formValueOf(x.end_date),
    kontakt_name: x.contact_name,
    kontakt_telefon: x.contact_phone ?? "",
    kontakt_email: x.contact_email ?? "",
  };
}

export const milestoneFormOf = (m: MilestoneRow): MilestoneForm => ({ titel: m.title, geplant: formValueOf(m.planned_date), erledigt: formValueOf(m.done_date) });
export const updateFormOf = (u: UpdateRow): UpdateForm => ({ datum: formValueOf(u.update_date), titel: u.title, text: u.body });

function Notice(p: { text: string | undefined }): SafeHtml {
  if (!p.text) return <Fragment />;
  return (
    <div className="kern-alert kern-alert--success" role="status">
      <div className="kern-alert__body"><p className="kern-body">{p.text}</p></div>
    </div>
  );
}

/** A one-button form; `hidden` is extra text for screen readers (which project, which photo). */
function Action(p: { action: string; csrf: string; label: string; hidden?: string; primary?: boolean; tertiary?: boolean }): SafeHtml {
  const kind = p.primary ? "kern-btn--primary" : p.tertiary ? "kern-btn--tertiary" : "kern-btn--secondary";
  return (
    <form method="post" action={p.action} className="inline-form">
      <CsrfField token={p.csrf} />
      <button type="submit" className={`kern-btn ${kind}`}>
        <span className="kern-label">{p.label}{p.hidden ? <span className="visually-hidden"> {p.hidden}</span> : null}</span>
      </button>
    </form>
  );
}

const publication = (x: { published_at: string | null }) => (x.published_at ? `veröffentlicht am ${formatDateTime(x.published_at)}` : "Entwurf (nicht öffentlich)");

export function ListPage(p: { tenant: Tenant; projects: ProjectRow[]; notice?: string | undefined }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Öffentliche Bauvorhaben</h1>
      <Notice text={p.notice} />
      <p className="kern-body">Hier pflegen Sie die Bauvorhaben, die Bürgerinnen und Bürger unter <a className="kern-link" href={`/${p.tenant.slug}/bauvorhaben/`}>Bauvorhaben</a> sehen: Beschreibung, Ort, Kosten, Zeitplan, Neuigkeiten mit Fotos und Ansprechpartner.</p>
      <p className="kern-body"><a className="kern-btn kern-btn--primary" href={`${staffBase(p.tenant)}/neu`}><span className="kern-label">Neues Bauvorhaben anlegen</span></a></p>
      {p.projects.length === 0 ? <p className="kern-body">Noch keine Bauvorhaben angelegt.</p> : (
        <div className="kern-table-responsive">
          <table className="kern-table">
            <caption className="kern-title">Alle Bauvorhaben, zuletzt geänderte zuerst</caption>
            <thead className="kern-table__head">
              <tr className="kern-table__row">
                <th className="kern-table__header" scope="col">Titel</th>
                <th className="kern-table__header" scope="col">Stand</th>
                <th className="kern-table__header" scope="col">Zeitraum</th>
                <th className="kern-table__header" scope="col">Veröffentlichung</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {p.projects.map((x) => (
                <tr className="kern-table__row">
                  <th className="kern-table__cell" scope="row"><a className="kern-link" href={staffProjectPath(p.tenant, x.id)}>{x.title}</a></th>
                  <td className="kern-table__cell">{STATUS_LABELS[x.status]}</td>
                  <td className="kern-table__cell">{formatPeriod(x.start_date, x.end_date)}</td>
                  <td className="kern-table__cell">{publication(x)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Fragment>
  );
}

const DATE_HINT = "MM.JJJJ oder TT.MM.JJJJ, zum Beispiel 03.2027 oder 15.03.2027.";

export function ProjectFormPage(p: { tenant: Tenant; title: string; action: string; csrf: string; values: ProjectForm; errors: FieldErrors; cancelHref: string }): SafeHtml {
  const v = p.values;
  const e = p.errors;
  return (
    <Fragment>
      <h1 className="kern-heading-large">{p.title}</h1>
      <ErrorSummary errors={e} />
      <form method="post" action={p.action} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <TextField name="titel" label="Titel" hint="Zum Beispiel „Sanierung der Grundschule am Schlosspark“." value={v.titel} error={e.titel} required maxlength={200} />
        <TextArea name="kurzbeschreibung" label="Kurzbeschreibung" hint="Ein bis zwei Sätze; erscheint in der Liste der Bauvorhaben und in der Suche." value={v.kurzbeschreibung} error={e.kurzbeschreibung} rows={3} required maxlength={500} />
        <TextArea name="beschreibung" label="Beschreibung" hint="Einfacher Text ohne HTML. Trennen Sie Absätze durch eine Leerzeile." value={v.beschreibung} error={e.beschreibung} rows={10} required maxlength={20000} />
        <SelectField name="stand" label="Stand" value={v.stand} error={e.stand} options={STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))} />
        <fieldset className="kern-fieldset">
          <legend className="kern-label">Ort</legend>
          <TextField name="ort" label="Adresse oder Beschreibung des Ortes" hint="Zum Beispiel „Schulstraße 5“ oder „Kreuzung Weilburger Straße / Am Riedborn“." value={v.ort} error={e.ort} required maxlength={300} />
          <p className="kern-hint">Die Lage als Koordinaten ist freiwillig (Dezimalgrad, zum Beispiel aus einer Karte). Geben Sie beide Werte an oder keinen.</p>
          <TextField name="breite" label="Geografische Breite" hint="Zum Beispiel 50,3345" value={v.breite} error={e.breite} inputmode="decimal" maxlength={14} />
          <TextField name="laenge" label="Geografische Länge" hint="Zum Beispiel 8,5372" value={v.laenge} error={e.laenge} inputmode="decimal" maxlength={14} />
        </fieldset>
        <fieldset className="kern-fieldset">
          <legend className="kern-label">Zeitraum</legend>
          <p className="kern-hint">Der Monat genügt. Für ein abgeschlossenes Bauvorhaben ist das Ende Pflicht.</p>
          <TextField name="beginn" label="Beginn" hint={DATE_HINT} value={v.beginn} error={e.beginn} inputmode="numeric" maxlength={10} />
          <TextField name="ende" label="Ende" hint={DATE_HINT} value={v.ende} error={e.ende} inputmode="numeric" maxlength={10} />
        </fieldset>
        <TextField name="kosten" label="Kosten in Euro" hint="Die geplanten Gesamtkosten, zum Beispiel 1.250.000." value={v.kosten} error={e.kosten} inputmode="decimal" maxlength={24} />
        <TextArea name="foerderung" label="Förderung" hint="Zum Beispiel „gefördert aus dem Investitionsprogramm des Landes Hessen“." value={v.foerderung} error={e.foerderung} rows={2} maxlength={500} />
        <fieldset className="kern-fieldset">
          <legend className="kern-label">Ansprechpartner</legend>
          <p className="kern-hint">Wer Fragen zum Bauvorhaben beantwortet. Telefon oder E-Mail-Adresse – mindestens eines von beiden ist Pflicht.</p>
          <TextField name="kontakt_name" label="Amt oder Person" hint="Zum Beispiel „Bauamt, Frau Muster“." value={v.kontakt_name} error={e.kontakt_name} required maxlength={200} />
          <TextField name="kontakt_telefon" label="Telefon" value={v.kontakt_telefon} error={e.kontakt_telefon} type="tel" autocomplete="off" maxlength={40} />
          <TextField name="kontakt_email" label="E-Mail-Adresse" value={v.kontakt_email} error={e.kontakt_email} type="email" autocomplete="off" maxlength={200} />
        </fieldset>
        <SubmitButton label="Speichern" />
      </form>
      <p className="kern-body"><a className="kern-link" href={p.cancelHref}>Abbrechen und zurück</a></p>
    </Fragment>
  );
}

function MilestoneFields(p: { values: MilestoneForm; errors: FieldErrors }): SafeHtml {
  return (
    <Fragment>
      <TextField name="titel" label="Meilenstein" hint="Zum Beispiel „Rohbau fertig“ oder „Freigabe für den Verkehr“." value={p.values.titel} error={p.errors.titel} required maxlength={200} />
      <TextField name="geplant" label="Geplant für" hint={DATE_HINT} value={p.values.geplant} error={p.errors.geplant} required inputmode="numeric" maxlength={10} />
      <TextField name="erledigt" label="Erledigt am" hint="TT.MM.JJJJ; leer lassen, solange der Meilenstein nicht erreicht ist." value={p.values.erledigt} error={p.errors.erledigt} inputmode="numeric" maxlength={10} />
    </Fragment>
  );
}

export function MilestoneFormPage(p: { tenant: Tenant; project: ProjectRow; action: string; csrf: string; values: MilestoneForm; errors: FieldErrors }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Meilenstein bearbeiten</h1>
      <p className="kern-body">Bauvorhaben: {p.project.title}</p>
      <ErrorSummary errors={p.errors} />
      <form method="post" action={p.action} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <MilestoneFields values={p.values} errors={p.errors} />
        <SubmitButton label="Speichern" />
      </form>
      <p className="kern-body"><a className="kern-link" href={`${staffProjectPath(p.tenant, p.project.id)}#meilensteine`}>Abbrechen und zurück</a></p>
    </Fragment>
  );
}

/** The update form: date, title, text and the photo slots still free (each a file and its alternative text). */
export function UpdateFormPage(p: {
  tenant: Tenant;
  project: ProjectRow;
  title: string;
  action: string;
  csrf: string;
  values: UpdateForm;
  alts: Record<string, string>;
  errors: FieldErrors;
  existing: PhotoRow[];
  /** photos were sent but the form is shown again: the browser has forgotten the chosen files */
  reselect: boolean;
}): SafeHtml {
  const e = p.errors;
  const free = MAX_PHOTOS_PER_UPDATE - p.existing.length;
  const first = p.existing.length + 1;
  const slots = Array.from({ length: Math.max(0, free) }, (_, i) => first + i);
  return (
    <Fragment>
      <h1 className="kern-heading-large">{p.title}</h1>
      <p className="kern-body">Bauvorhaben: {p.project.title}</p>
      <ErrorSummary errors={e} />
      {p.existing.length ? (
        <p className="kern-body">
          Diese Neuigkeit hat {p.existing.length === 1 ? "ein Foto" : `${p.existing.length} Fotos`} ({p.existing.map((x) => `„${x.alt}“`).join(", ")}). Fotos entfernen Sie auf der{" "}
          <a className="kern-link" href={`${staffProjectPath(p.tenant, p.project.id)}#neuigkeiten`}>Seite des Bauvorhabens</a>.
        </p>
      ) : null}
      <form method="post" action={p.action} encType="multipart/form-data" className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <TextField name="datum" label="Datum (TT.MM.JJJJ)" hint="Der Tag, um den es geht, zum Beispiel 14.05.2027." value={p.values.datum} error={e.datum} required inputmode="numeric" maxlength={10} />
        <TextField name="titel" label="Titel" hint="Zum Beispiel „Das Dach ist dicht“." value={p.values.titel} error={e.titel} required maxlength={200} />
        <TextArea name="text" label="Text" hint="Einfacher Text ohne HTML. Trennen Sie Absätze durch eine Leerzeile." value={p.values.text} error={e.text} rows={8} required maxlength={20000} />
        {slots.length ? (
          <fieldset className="kern-fieldset">
            <legend className="kern-label">Fotos – optional</legend>
            <p className="kern-hint">
              Bis zu {MAX_PHOTOS_PER_UPDATE} Fotos je Neuigkeit{p.existing.length ? ` (diese hat schon ${p.existing.length})` : ""}: JPEG, PNG oder WebP, je höchstens {MAX_PHOTO_BYTES / 1024 / 1024} MB.
              Zu jedem Foto gehört ein Alternativtext: ein Satz, der beschreibt, was zu sehen ist – für Menschen, die das Bild nicht sehen können.
            </p>
            {p.reselect ? (
              <p className="kern-body"><strong>Bitte wählen Sie die Fotos erneut aus:</strong> Der Browser behält ausgewählte Dateien nicht, wenn das Formular noch einmal angezeigt wird. Ihre Alternativtexte sind erhalten.</p>
            ) : null}
            {slots.map((n) => <PhotoSlotFields n={n} alt={p.alts[`alt_${n}`] ?? ""} fileError={e[`foto_${n}`]} altError={e[`alt_${n}`]} />)}
          </fieldset>
        ) : (
          <p className="kern-body">Diese Neuigkeit hat schon {MAX_PHOTOS_PER_UPDATE} Fotos, mehr sind nicht möglich.</p>
        )}
        <SubmitButton label="Speichern" />
      </form>
      <p className="kern-body"><a className="kern-link" href={`${staffProjectPath(p.tenant, p.project.id)}#neuigkeiten`}>Abbrechen und zurück</a></p>
    </Fragment>
  );
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

/** One photo: the file and, required with it, its alternative text (said at the field). */
function PhotoSlotFields(p: { n: number; alt: string; fileError: string | undefined; altError: string | undefined }): SafeHtml {
  const foto = `foto_${p.n}`;
  const alt = `alt_${p.n}`;
  return (
    <Fragment>
      <div className={`kern-form-input${p.fileError ? " kern-form-input--error" : ""}`}>
        <label className="kern-label" htmlFor={foto}>Foto {p.n}<span className="kern-label__optional"> – optional</span></label>
        <FieldError id={`${foto}-fehler`} error={p.fileError} />
        <input className="kern-form-input__input" id={foto} name={foto} type="file" accept="image/jpeg,image/png,image/webp" aria-describedby={p.fileError ? `${foto}-fehler` : undefined} aria-invalid={p.fileError ? "true" : undefined} />
      </div>
      <div className={`kern-form-input${p.altError ? " kern-form-input--error" : ""}`}>
        <label className="kern-label" htmlFor={alt}>Alternativtext zu Foto {p.n}</label>
        <div className="kern-hint" id={`${alt}-hinweis`}>Pflicht, wenn Sie Foto {p.n} wählen: Beschreiben Sie in einem Satz, was darauf zu sehen ist, zum Beispiel „Bagger hebt die Baugrube neben der Turnhalle aus“.</div>
        <FieldError id={`${alt}-fehler`} error={p.altError} />
        <input
          className={`kern-form-input__input${p.altError ? " kern-form-input__input--error" : ""}`}
          id={alt}
          name={alt}
          type="text"
          value={p.alt}
          maxlength={300}
          aria-describedby={[`${alt}-hinweis`, p.altError ? `${alt}-fehler` : ""].filter(Boolean).join(" ")}
          aria-invalid={p.altError ? "true" : undefined}
        />
      </div>
    </Fragment>
  );
}

export function ProjectStaffPage(p: { tenant: Tenant; data: ProjectPageData; csrf: string; notice?: string | undefined; errors: FieldErrors; milestoneForm: MilestoneForm }): SafeHtml {
  const { project: x, milestones, updates } = p.data;
  const base = staffProjectPath(p.tenant, x.id);
  const e = p.errors;
  return (
    <Fragment>
      <h1 className="kern-heading-large">{x.title}</h1>
      <Notice text={p.notice} />
      <ErrorSummary errors={e} />
      <p className="kern-body kern-body--large">{x.teaser}</p>
      <ProjectFacts project={x} full />
      <dl className="kern-description-list">
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Ort</dt><dd className="kern-description-list-item__value">{x.location}{x.latitude !== null && x.longitude !== null ? ` (${formatCoordinate(x.latitude)}, ${formatCoordinate(x.longitude)})` : ""}</dd></div>
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Ansprechpartner</dt><dd className="kern-description-list-item__value">{[x.contact_name, x.contact_phone, x.contact_email].filter(Boolean).join(", ")}</dd></div>
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Veröffentlichung</dt><dd className="kern-description-list-item__value">{publication(x)}</dd></div>
      </dl>

      <section aria-labelledby="aktionen">
        <h2 className="kern-heading-medium" id="aktionen">Aktionen</h2>
        <div className="form-actions">
          <a className="kern-btn kern-btn--secondary" href={`${base}/bearbeiten`}><span className="kern-label">Bearbeiten</span></a>
          {x.published_at ? (
            <Action action={`${base}/zurueckziehen`} csrf={p.csrf} label="Veröffentlichung zurücknehmen" />
          ) : (
            <Action action={`${base}/veroeffentlichen`} csrf={p.csrf} label="Veröffentlichen" primary />
          )}
        </div>
        {x.published_at ? <p className="kern-body"><a className="kern-link" href={projectPath(p.tenant, x.id)}>Öffentliche Seite ansehen</a></p> : <p className="kern-body">Das Bauvorhaben ist ein Entwurf: Niemand außer dem Bauamt sieht es.</p>}
      </section>

      <section aria-labelledby="beschreibung">
        <h2 className="kern-heading-medium" id="beschreibung">Beschreibung</h2>
        <Paragraphs text={x.description} />
      </section>

      <section aria-labelledby="meilensteine">
        <h2 className="kern-heading-medium" id="meilensteine">Meilensteine</h2>
        {milestones.length === 0 ? <p className="kern-body">Noch keine Meilensteine.</p> : (
          <div className="kern-table-responsive">
            <table className="kern-table">
              <caption className="kern-title">Meilensteine nach geplantem Datum</caption>
              <thead className="kern-table__head">
                <tr className="kern-table__row">
                  <th className="kern-table__header" scope="col">Meilenstein</th>
                  <th className="kern-table__header" scope="col">Stand</th>
                  <th className="kern-table__header" scope="col">Aktionen</th>
                </tr>
              </thead>
              <tbody className="kern-table__body">
                {milestones.map((m) => (
                  <tr className="kern-table__row">
                    <th className="kern-table__cell" scope="row">{m.title}</th>
                    <td className="kern-table__cell">{milestoneState(m)}</td>
                    <td className="kern-table__cell">
                      <a className="kern-link" href={`${base}/meilensteine/${m.id}/bearbeiten`}>Bearbeiten<span className="visually-hidden"> Meilenstein „{m.title}“</span></a>{" "}
                      <Action action={`${base}/meilensteine/${m.id}/loeschen`} csrf={p.csrf} label="Entfernen" hidden={`Meilenstein „${m.title}“`} tertiary />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <h3 className="kern-heading-small" id="meilenstein-neu">Meilenstein hinzufügen</h3>
        <form method="post" action={`${base}/meilensteine`} className="stack-form" novalidate aria-labelledby="meilenstein-neu">
          <CsrfField token={p.csrf} />
          <MilestoneFields values={p.milestoneForm} errors={e} />
          <SubmitButton label="Meilenstein hinzufügen" secondary />
        </form>
      </section>

      <section aria-labelledby="neuigkeiten">
        <h2 className="kern-heading-medium" id="neuigkeiten">Neuigkeiten</h2>
        <p className="kern-body">Eine Neuigkeit erscheint auf der Seite des Bauvorhabens, sobald Sie sie veröffentlichen. Ist das Bauvorhaben veröffentlicht, geht sie dann auch an die Redaktion – je nach Regel der Stadt wird daraus sofort eine Meldung unter Aktuelles, ein Entwurf zur Prüfung oder nichts.</p>
        <p className="kern-body"><a className="kern-btn kern-btn--secondary" href={`${base}/neuigkeiten/neu`}><span className="kern-label">Neuigkeit schreiben</span></a></p>
        {updates.map(({ update: u, photos }) => (
          <article className="check-section" aria-labelledby={`neuigkeit-${u.id}`}>
            <h3 className="kern-heading-small" id={`neuigkeit-${u.id}`}>{u.title}</h3>
            <p className="kern-body kern-body--small">{formatMonthOrDay(u.update_date)} · {publication(u)}</p>
            <Paragraphs text={u.body} />
            {photos.length ? (
              <ul className="tile-list" aria-label={`Fotos zu „${u.title}“`}>
                {photos.map((ph, i) => (
                  <li>
                    <Photo tenant={p.tenant} photo={ph} maxWidth={320} maxHeight={240} />
                    <p className="kern-body kern-body--small">Alternativtext: {ph.alt}</p>
                    <Action action={`${base}/fotos/${ph.id}/loeschen`} csrf={p.csrf} label="Foto entfernen" hidden={`(Foto ${i + 1} zu „${u.title}“)`} tertiary />
                  </li>
                ))}
              </ul>
            ) : null}
            <div className="form-actions">
              <a className="kern-btn kern-btn--secondary" href={`${base}/neuigkeiten/${u.id}/bearbeiten`}><span className="kern-label">Bearbeiten<span className="visually-hidden"> Neuigkeit „{u.title}“</span></span></a>
              {u.published_at ? (
                <Action action={`${base}/neuigkeiten/${u.id}/zurueckziehen`} csrf={p.csrf} label="Zurückziehen" hidden={`Neuigkeit „${u.title}“`} />
              ) : (
                <Action action={`${base}/neuigkeiten/${u.id}/veroeffentlichen`} csrf={p.csrf} label="Veröffentlichen" hidden={`Neuigkeit „${u.title}“`} primary />
              )}
              <Action action={`${base}/neuigkeiten/${u.id}/loeschen`} csrf={p.csrf} label="Löschen" hidden={`Neuigkeit „${u.title}“`} tertiary />
            </div>
          </article>
        ))}
      </section>
      <p className="kern-body"><a className="kern-link" href={staffBase(p.tenant)}>Zurück zur Übersicht der Bauvorhaben</a></p>
    </Fragment>
  );
}
