import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SelectField, SubmitButton, TextArea, TextField, type FieldErrors } from "../../../../platform/ui/forms.js";
import { formatDate, formatDateTime } from "../../../../platform/clock.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { ConsultationRow, FileRow, OrganizationRow, PaperRow, PaperState } from "../../store.js";
import { CONSULTATION_ROLES, PAPER_TYPES } from "../../service.js";
import { ActionButton, CONSULTATION_STATUS_LABELS, DescriptionList, Notice, PAPER_STATE_LABELS, SmallSelect, TextStatusLabel, fileSize, staffBase } from "./common.js";

/** How many rows of the Beratungsfolge the form offers (no JavaScript: a fixed number, empty rows are ignored). */
export const CONSULTATION_ROWS = 5;

export interface PaperFormValues {
  name: string;
  paperType: string;
  underDirectionOf: string;
  bodyText: string;
  consultations: { organizationId: string; role: string }[];
}

export const emptyPaperForm = (): PaperFormValues => ({ name: "", paperType: "Beschlussvorlage", underDirectionOf: "", bodyText: "", consultations: [] });

export function PaperListPage(p: { tenant: Tenant; papers: PaperRow[]; state: PaperState | ""; q: string; notice?: string | undefined }): SafeHtml {
  const b = staffBase(p.tenant);
  return (
    <Fragment>
      <h1 className="kern-heading-large">Vorlagen</h1>
      <Notice text={p.notice} />
      <p className="kern-body"><a className="kern-link" href={`${b}/vorlagen/neu`}>Neue Vorlage anlegen</a></p>
      <form method="get" action={`${b}/vorlagen`} className="filter-form" aria-labelledby="filter-titel">
        <h2 className="kern-heading-small" id="filter-titel">Filter</h2>
        <div className="filter-grid">
          <SmallSelect id="stand" name="stand" label="Stand" value={p.state} options={[{ value: "", label: "Alle" }, ...(Object.keys(PAPER_STATE_LABELS) as PaperState[]).map((s) => ({ value: s, label: PAPER_STATE_LABELS[s] }))]} />
          <div className="kern-form-input">
            <label className="kern-label" htmlFor="q">Betreff oder Nummer enthält</label>
            <input className="kern-form-input__input" id="q" name="q" type="search" value={p.q} maxlength={100} />
          </div>
        </div>
        <SubmitButton label="Filtern" secondary />
      </form>
      {p.papers.length === 0 ? <p className="kern-body">Keine Vorlagen für diese Auswahl.</p> : (
        <div className="kern-table-responsive">
          <table className="kern-table">
            <caption className="kern-title">Vorlagen ({p.papers.length}{p.papers.length >= 200 ? ", die neuesten 200" : ""})</caption>
            <thead className="kern-table__head">
              <tr className="kern-table__row">
                <th className="kern-table__header" scope="col">Nummer</th>
                <th className="kern-table__header" scope="col">Betreff</th>
                <th className="kern-table__header" scope="col">Art</th>
                <th className="kern-table__header" scope="col">Datum</th>
                <th className="kern-table__header" scope="col">Stand</th>
                <th className="kern-table__header" scope="col">Öffentlich</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {p.papers.map((x) => (
                <tr className="kern-table__row">
                  <th className="kern-table__cell" scope="row"><a className="kern-link" href={`${b}/vorlagen/${x.id}`}>{x.reference}</a></th>
                  <td className="kern-table__cell">{x.name}</td>
                  <td className="kern-table__cell">{x.paper_type}</td>
                  <td className="kern-table__cell">{formatDate(x.date)}</td>
                  <td className="kern-table__cell">{PAPER_STATE_LABELS[x.state]}</td>
                  <td className="kern-table__cell">{x.published_at ? `seit ${formatDate(x.published_at)}` : "nein"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Fragment>
  );
}

/** The fields of a paper (new paper and editing a draft). */
function PaperFields(p: { values: PaperFormValues; errors: FieldErrors; bodies: OrganizationRow[] }): SafeHtml {
  const v = p.values;
  const e = p.errors;
  const bodyOptions = [{ value: "", label: "– kein Gremium –" }, ...p.bodies.map((o) => ({ value: o.id, label: o.name }))];
  const roleOptions = CONSULTATION_ROLES.map((r) => ({ value: r, label: r }));
  return (
    <Fragment>
      <TextField name="name" label="Betreff" value={v.name} error={e.name} required maxlength={500} />
      <SelectField name="paperType" label="Art der Vorlage" value={v.paperType} error={e.paperType} options={PAPER_TYPES.map((x) => ({ value: x, label: x }))} />
      <TextField name="underDirectionOf" label="Federführung (Amt oder Fachbereich)" value={v.underDirectionOf} error={e.underDirectionOf} maxlength={200} />
      <TextArea name="bodyText" label="Text (Sachverhalt und Beschlussvorschlag)" value={v.bodyText} error={e.bodyText} rows={10} maxlength={100000} />
      <fieldset className={`kern-fieldset${e.gremium1 ? " kern-fieldset--error" : ""}`} aria-describedby="beratungsfolge-hinweis">
        <legend className="kern-label kern-label--large">Beratungsfolge</legend>
        <div className="kern-hint" id="beratungsfolge-hinweis">Die Gremien in der Reihenfolge der Beratung. Zeilen ohne Gremium werden nicht gespeichert.</div>
        <div className="kern-table-responsive">
          <table className="kern-table consultation-rows">
            <caption className="kern-sr-only">Beratungsfolge: Gremium und Art der Beratung je Schritt</caption>
            <thead className="kern-table__head"><tr className="kern-table__row"><th className="kern-table__header" scope="col">Schritt</th><th className="kern-table__header" scope="col">Gremium</th><th className="kern-table__header" scope="col">Art der Beratung</th></tr></thead>
            <tbody className="kern-table__body">
              {Array.from({ length: CONSULTATION_ROWS }, (_, i) => {
                const row = v.consultations[i] ?? { organizationId: "", role: i === 0 ? "Vorberatung" : "Entscheidung" };
                return (
                  <tr className="kern-table__row">
                    <th className="kern-table__cell" scope="row">{i + 1}.</th>
                    <td className="kern-table__cell"><SmallSelect id={`gremium${i + 1}`} name={`gremium${i + 1}`} label={`Gremium, Schritt ${i + 1}`} hiddenLabel value={row.organizationId} options={bodyOptions} error={e[`gremium${i + 1}`]} /></td>
                    <td className="kern-table__cell"><SmallSelect id={`rolle${i + 1}`} name={`rolle${i + 1}`} label={`Art der Beratung, Schritt ${i + 1}`} hiddenLabel value={row.role} options={roleOptions} /></td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </fieldset>
    </Fragment>
  );
}

export function NewPaperPage(p: { tenant: Tenant; csrf: string; values: PaperFormValues; errors: FieldErrors; bodies: OrganizationRow[] }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Neue Vorlage</h1>
      <ErrorSummary errors={p.errors} />
      <form method="post" action={`${staffBase(p.tenant)}/vorlagen`} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <PaperFields values={p.values} errors={p.errors} bodies={p.bodies} />
        <SubmitButton label="Als Entwurf speichern" />
      </form>
    </Fragment>
  );
}

export interface PaperPageProps {
  tenant: Tenant;
  csrf: string;
  paper: PaperRow;
  consultations: (ConsultationRow & { organizationName: string; meetingHref?: string | undefined; meetingLabel?: string | undefined })[];
  files: FileRow[];
  bodies: OrganizationRow[];
  values: PaperFormValues;
  errors: FieldErrors;
  notice?: string | undefined;
}

export function PaperPage(p: PaperPageProps): SafeHtml {
  const b = `${staffBase(p.tenant)}/vorlagen/${p.paper.id}`;
  const x = p.paper;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Vorlage {x.reference}: {x.name}</h1>
      <ErrorSummary errors={p.errors} />
      <Notice text={p.notice} />
      <DescriptionList rows={[
        ["Stand", PAPER_STATE_LABELS[x.state]],
        ["Art", x.paper_type],
        ["Datum", formatDate(x.date)],
        ["Federführung", x.under_direction_of ?? "–"],
        ["Freigegeben", x.approved_at ? formatDateTime(x.approved_at) : "noch nicht"],
        ["Öffentlich", x.published_at ? `seit ${formatDateTime(x.published_at)}` : "nein – erst mit der Einladung zu einer Sitzung, in der sie öffentlich beraten wird"],
      ]} />

      <section aria-labelledby="aktionen">
        <h2 className="kern-heading-medium" id="aktionen">Freigabe</h2>
        <div className="button-row">
          {x.state === "entwurf" ? <ActionButton action={`${b}/vorlegen`} csrf={p.csrf} label="Zur Freigabe vorlegen" secondary={false} /> : null}
          {x.state === "freigabe" ? <ActionButton action={`${b}/freigeben`} csrf={p.csrf} label="Freigeben" secondary={false} /> : null}
          {x.state === "freigabe" ? <ActionButton action={`${b}/zurueck`} csrf={p.csrf} label="Zurück an Entwurf" /> : null}
          <a className="kern-link" href={`${b}/zurueckziehen`}>Vorlage zurückziehen …</a>
        </div>
      </section>

      <section aria-labelledby="beratungsfolge">
        <h2 className="kern-heading-medium" id="beratungsfolge">Beratungsfolge</h2>
        <ol className="kern-list">
          {p.consultations.map((c) => (
            <li>{c.organizationName} – {c.role}: {CONSULTATION_STATUS_LABELS[c.status]}{c.meetingHref ? <Fragment> (<a className="kern-link" href={c.meetingHref}>{c.meetingLabel ?? "Sitzung"}</a>)</Fragment> : null}</li>
          ))}
        </ol>
      </section>

      {x.state === "entwurf" ? (
        <section aria-labelledby="bearbeiten">
          <h2 className="kern-heading-medium" id="bearbeiten">Entwurf bearbeiten</h2>
          <form method="post" action={b} className="stack-form" novalidate>
            <CsrfField token={p.csrf} />
            <PaperFields values={p.values} errors={p.errors} bodies={p.bodies} />
            <SubmitButton label="Änderungen speichern" />
          </form>
        </section>
      ) : (
        <section aria-labelledby="text">
          <h2 className="kern-heading-medium" id="text">Text</h2>
          <p className="kern-body paper-text">{x.body_text || "–"}</p>
        </section>
      )}

      <FilesSection tenant={p.tenant} csrf={p.csrf} files={p.files} uploadAction={`${b}/dateien`} errors={p.errors} roles={[{ value: "main", label: "Vorlage (Hauptdokument)" }, { value: "auxiliary", label: "Anlage" }]} />
      <p className="kern-body"><a className="kern-link" href={`${staffBase(p.tenant)}/vorlagen`}>Zurück zur Liste der Vorlagen</a></p>
    </Fragment>
  );
}

/** The files of a paper or meeting: list with text status, remove, and the upload form (multipart, _csrf first). */
export function FilesSection(p: { tenant: Tenant; csrf: string; files: FileRow[]; uploadAction: string; errors: FieldErrors; roles: { value: string; label: string }[]; heading?: string; id?: string }): SafeHtml {
  const b = staffBase(p.tenant);
  const id = p.id ?? "dateien";
  const roleLabel = (r: string) => ({ main: "Vorlage", auxiliary: "Anlage", invitation: "Einladung", minutes: "Niederschrift", resolution: "Beschluss" })[r] ?? r;
  return (
    <section aria-labelledby={id}>
      <h2 className="kern-heading-medium" id={id}>{p.heading ?? "Dateien"}</h2>
      {p.files.length === 0 ? <p className="kern-body">Noch keine Dateien.</p> : (
        <div className="kern-table-responsive">
          <table className="kern-table">
            <caption className="kern-sr-only">{p.heading ?? "Dateien"} mit Suchbarkeit</caption>
            <thead className="kern-table__head"><tr className="kern-table__row"><th className="kern-table__header" scope="col">Datei</th><th className="kern-table__header" scope="col">Art</th><th className="kern-table__header" scope="col">Größe</th><th className="kern-table__header" scope="col">Volltext</th><th className="kern-table__header" scope="col">Aktion</th></tr></thead>
            <tbody className="kern-table__body">
              {p.files.map((f) => (
                <tr className="kern-table__row" id={`datei-${f.id}`}>
                  <th className="kern-table__cell" scope="row"><a className="kern-link" href={`${b}/dateien/${f.id}`}>{f.name}</a> ({f.file_name})</th>
                  <td className="kern-table__cell">{roleLabel(f.role)}</td>
                  <td className="kern-table__cell">{fileSize(f.size)}</td>
                  <td className="kern-table__cell"><TextStatusLabel status={f.text_status} id={f.id} /></td>
                  <td className="kern-table__cell"><ActionButton action={`${b}/dateien/${f.id}/entfernen`} csrf={p.csrf} label="Entfernen" srSuffix={f.name} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form method="post" action={p.uploadAction} encType="multipart/form-data" className="stack-form" aria-labelledby={`${id}-hochladen`}>
        <h3 className="kern-heading-small" id={`${id}-hochladen`}>PDF-Datei hochladen</h3>
        <CsrfField token={p.csrf} />
        <TextField name="titel" label="Bezeichnung" value="" error={p.errors.titel} hint="z. B. „Lageplan“; leer: der Dateiname" maxlength={200} />
        {p.roles.length > 1 ? <SelectField name="rolle" label="Art der Datei" value={p.roles[0]!.value} options={p.roles} /> : <input type="hidden" name="rolle" value={p.roles[0]!.value} />}
        <div className={`kern-form-input${p.errors.datei ? " kern-form-input--error" : ""}`}>
          <label className="kern-label" htmlFor="datei">PDF-Datei (höchstens 30 MB)</label>
          {p.errors.datei ? <p className="kern-error" id="datei-fehler" role="alert"><span className="kern-body">{p.errors.datei}</span></p> : null}
          <input className="kern-form-input__input" type="file" id="datei" name="datei" accept="application/pdf,.pdf" aria-describedby={p.errors.datei ? "datei-fehler" : undefined} aria-invalid={p.errors.datei ? "true" : undefined} />
        </div>
        <SubmitButton label="Hochladen" secondary />
      </form>
    </section>
  );
}
