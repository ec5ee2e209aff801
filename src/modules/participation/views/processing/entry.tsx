import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SubmitButton, TextArea, TextField, type FieldErrors } from "../../../../platform/ui/forms.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import { MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES } from "../../service.js";
import { FieldError, RadioGroup, SOURCE_LABELS, Select, statementsHref } from "./common.js";

export interface EntryValues {
  phase: string;
  eingang: string;
  herkunft: string;
  behoerde: string;
  name: string;
  anschrift: string;
  email: string;
  dokument: string;
  seite: string;
  ort: string;
  text: string;
}

export const emptyEntry = (phase: string, today: string): EntryValues => ({ phase, eingang: today, herkunft: "oeffentlichkeit", behoerde: "", name: "", anschrift: "", email: "", dokument: "", seite: "", ort: "", text: "" });

/** The planning office enters a statement that came by letter or was taken down in the town hall. */
export function NewStatementPage(p: {
  tenant: Tenant;
  procedureId: string;
  procedureTitle: string;
  phases: { id: string; label: string; endDate: string }[];
  agencies: { id: string; name: string }[];
  documents: { id: string; title: string }[];
  values: EntryValues;
  errors: FieldErrors;
  csrf: string;
}): SafeHtml {
  const v = p.values;
  const action = `${statementsHref(p.tenant, p.procedureId)}/neu`;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Stellungnahme erfassen <span className="kern-body">zum {p.procedureTitle}</span></h1>
      <ErrorSummary errors={p.errors} />
      <p className="kern-body">Für Stellungnahmen, die per Brief kamen oder im Rathaus zur Niederschrift aufgenommen wurden. Eine Stellungnahme, die nach dem Ende der Frist eingegangen ist, wird gespeichert und als „verspätet“ gekennzeichnet.</p>
      {p.phases.length === 0 ? (
        <p className="kern-body">Zu diesem Verfahren hat noch keine Beteiligung begonnen. Stellungnahmen lassen sich erst erfassen, wenn eine Beteiligung läuft oder gelaufen ist.</p>
      ) : (
        <form method="post" action={action} encType="multipart/form-data" className="stack-form" id="formular" tabindex="-1">
          <CsrfField token={p.csrf} />
          <Select id="phase" name="phase" label="Beteiligung" value={v.phase} error={p.errors.phase} options={p.phases.map((x) => ({ value: x.id, label: x.label }))} />
          <TextField name="eingang" label="Eingegangen am" value={v.eingang} error={p.errors.eingang} required hint="TT.MM.JJJJ, zum Beispiel 03.12.2026 (Datum des Posteingangs)." maxlength={10} inputmode="numeric" />
          <RadioGroup name="herkunft" legend="Von wem stammt die Stellungnahme?" value={v.herkunft} error={p.errors.herkunft}
            options={[{ value: "oeffentlichkeit", label: SOURCE_LABELS.oeffentlichkeit }, { value: "toeb", label: `${SOURCE_LABELS.toeb} (Behörde)` }]} />
          <Select id="behoerde" name="behoerde" label="Behörde (nur bei Trägern öffentlicher Belange)" value={v.behoerde} error={p.errors.behoerde}
            options={[{ value: "", label: "keine / nicht in der Liste" }, ...p.agencies.map((a) => ({ value: a.id, label: a.name }))]} />
          <TextField name="name" label="Name" value={v.name} error={p.errors.name} maxlength={200} autocomplete="off" />
          <TextArea name="anschrift" label="Postanschrift" rows={3} value={v.anschrift} error={p.errors.anschrift} maxlength={500} hint="Für die Mitteilung des Ergebnisses per Brief." />
          <TextField name="email" label="E-Mail-Adresse" type="email" value={v.email} error={p.errors.email} maxlength={254} autocomplete="off" hint="Wenn angegeben, erhält die Person das Ergebnis der Abwägung per E-Mail." />
          <Select id="dokument" name="dokument" label="Bezug auf ein Dokument" value={v.dokument} error={p.errors.dokument}
            options={[{ value: "", label: "kein bestimmtes Dokument" }, ...p.documents.map((d) => ({ value: d.id, label: d.title }))]} />
          <TextField name="seite" label="Seite" value={v.seite} error={p.errors.seite} maxlength={40} />
          <TextField name="ort" label="Ort, auf den sich die Stellungnahme bezieht" value={v.ort} error={p.errors.ort} maxlength={500} hint="Zum Beispiel Straße, Flurstück oder Gebäude." />
          <TextArea name="text" label="Text der Stellungnahme" rows={14} value={v.text} error={p.errors.text} required />
          <div className={`kern-form-input${p.errors.anlagen ? " kern-form-input--error" : ""}`}>
            <label className="kern-label" htmlFor="anlagen">Anlagen<span className="kern-label__optional"> – optional</span></label>
            <div className="kern-hint" id="anlagen-hinweis">Der eingescannte Brief oder Beilagen: PDF, PNG oder JPEG, höchstens {MAX_ATTACHMENTS} Dateien mit je bis zu {MAX_ATTACHMENT_BYTES / 1024 / 1024} MB. Nach einem Fehler wählen Sie die Dateien bitte erneut.</div>
            <FieldError id="anlagen" error={p.errors.anlagen} />
            <input className="kern-form-input__input" id="anlagen" name="anlagen" type="file" multiple accept="application/pdf,image/png,image/jpeg" aria-describedby={p.errors.anlagen ? "anlagen-hinweis anlagen-fehler" : "anlagen-hinweis"} />
          </div>
          <SubmitButton label="Stellungnahme speichern" />
        </form>
      )}
      <p className="kern-body"><a className="kern-link" href={statementsHref(p.tenant, p.procedureId)}>Zurück zur Liste der Stellungnahmen</a></p>
    </Fragment>
  );
}
