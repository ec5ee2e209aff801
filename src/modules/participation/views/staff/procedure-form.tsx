import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SelectField, SubmitButton, TextArea, TextField, type FieldErrors } from "../../../../platform/ui/forms.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { ProcedureRow } from "../../store.js";
import { PLAN_TYPES } from "../../service.js";
import { MAX_XPLAN_BYTES } from "../../importer.js";
import { CheckBox, FileField, staffBase } from "./common.js";

/** The form fields of a procedure, as typed (names are the field names the service reports errors for). */
export interface ProcedureFormValues {
  planart: string;
  name: string;
  nummer: string;
  gebiet: string;
  beschreibung: string;
}

export const emptyProcedureForm = (): ProcedureFormValues => ({ planart: "bebauungsplan", name: "", nummer: "", gebiet: "", beschreibung: "" });

export const procedureFormOf = (p: ProcedureRow): ProcedureFormValues => ({ planart: p.plan_type, name: p.name, nummer: p.number ?? "", gebiet: p.area_description, beschreibung: p.description });

export function ProcedureFormPage(p: { tenant: Tenant; title: string; action: string; csrf: string; values: ProcedureFormValues; errors: FieldErrors; cancelHref: string; button: string }): SafeHtml {
  const v = p.values;
  const e = p.errors;
  return (
    <Fragment>
      <h1 className="kern-heading-large">{p.title}</h1>
      <ErrorSummary errors={e} />
      <form method="post" action={p.action} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <SelectField name="planart" label="Art des Plans" value={v.planart} error={e.planart} options={Object.entries(PLAN_TYPES).map(([value, label]) => ({ value, label }))} />
        <TextField name="name" label="Name des Plans" hint="Zum Beispiel „Am Mühlbach“ – ohne Art und Nummer." value={v.name} error={e.name} required maxlength={300} />
        <TextField name="nummer" label="Nummer" hint="Zum Beispiel 42 oder 17/3." value={v.nummer} error={e.nummer} maxlength={60} />
        <TextArea name="gebiet" label="Beschreibung des Gebiets" hint="Wo liegt das Plangebiet? Zum Beispiel Straßen, Ortsteil oder Flurstücke. Erscheint in der Bekanntmachung." value={v.gebiet} error={e.gebiet} rows={3} maxlength={2000} />
        <TextArea name="beschreibung" label="Beschreibung des Vorhabens" hint="Was soll der Plan ermöglichen oder ändern? In verständlichen Worten für die Öffentlichkeit." value={v.beschreibung} error={e.beschreibung} rows={8} maxlength={20000} />
        <SubmitButton label={p.button} />
      </form>
      <p className="kern-body"><a className="kern-link" href={p.cancelHref}>Abbrechen und zurück</a></p>
    </Fragment>
  );
}

/**
 * Upload of an XPlanGML file. After a refusal because the plan names another municipality, the
 * page shows the confirmation box: the browser cannot keep the chosen file, so the user picks it
 * again and ticks the box.
 */
export function XPlanImportPage(p: { tenant: Tenant; csrf: string; errors: FieldErrors; askConfirmation: boolean; confirmed: boolean; fileName?: string | undefined }): SafeHtml {
  const e = p.errors;
  const b = staffBase(p.tenant);
  return (
    <Fragment>
      <h1 className="kern-heading-large">Verfahren aus XPlanGML übernehmen</h1>
      <ErrorSummary errors={e} />
      <p className="kern-body">
        Laden Sie die XPlanGML-Datei des Plans hoch (XPlanung 5.x oder 6.x, wie sie das Planungsbüro oder Ihr GIS exportiert). Übernommen werden Name, Nummer, Art des Plans, Beschreibung, Gemeinde und Ortsteil, der räumliche Geltungsbereich sowie Verweise auf Dokumente mit Internetadresse. Was die Datei außerdem enthält (Planart, Verfahren, Rechtsstand, Daten), sehen Sie danach auf der Seite des Verfahrens. Das Verfahren ist zunächst ein Entwurf und nicht öffentlich.
      </p>
      <form method="post" action={`${b}/xplan`} encType="multipart/form-data" className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <FileField
          name="xplan"
          label="XPlanGML-Datei"
          hint={`Eine Datei mit der Endung .gml oder .xml, höchstens ${MAX_XPLAN_BYTES / 1024 / 1024} MB.${p.fileName ? ` Zuletzt gewählt: ${p.fileName} – bitte wählen Sie die Datei erneut aus.` : ""}`}
          error={e.xplan}
          accept=".gml,.xml,application/gml+xml,application/xml,text/xml"
          required
        />
        {p.askConfirmation ? (
          <CheckBox
            id="bestaetigen"
            name="bestaetigen"
            label="Ich bestätige, dass der Plan zu unserer Kommune gehört."
            checked={p.confirmed}
            hint="Wählen Sie dazu die Datei oben bitte noch einmal aus und setzen Sie dann das Häkchen: Aus Sicherheitsgründen behält der Browser die gewählte Datei nicht."
            error={e.bestaetigen}
          />
        ) : null}
        <SubmitButton label="Datei übernehmen" />
      </form>
      <p className="kern-body"><a className="kern-link" href={b}>Abbrechen und zurück zur Übersicht</a></p>
    </Fragment>
  );
}
