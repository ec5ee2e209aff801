import { h, Fragment, type SafeHtml } from "../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SelectField, SubmitButton, SuccessAlert, TextArea, TextField, type FieldErrors } from "../../../platform/ui/forms.js";
import type { Tenant } from "../../../platform/tenancy.js";
import type { Department } from "../../tenants/index.js";
import type { MunicipalService } from "../service.js";
import { AREA_LABELS } from "../labels.js";

const adminBase = (t: Tenant) => `/${t.slug}/verwaltung/dienste`;

export function ServicesAdminList(p: { tenant: Tenant; services: MunicipalService[]; csrf: string; saved?: string | undefined }): SafeHtml {
  const t = p.tenant;
  const savedService = p.saved ? p.services.find((s) => s.id === p.saved) : undefined;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Online-Dienste der {t.kind} {t.name}</h1>
      {savedService ? <SuccessAlert title={`„${savedService.definition.title}“ ist jetzt ${savedService.enabled ? "aktiv" : "nicht aktiv"}.`} /> : null}
      <p className="kern-body">
        Alle Online-Dienste dieser Installation. Aktive Dienste erscheinen im Digitalen Rathaus Ihrer Kommune; Gebühren, Texte und das zuständige Amt passen Sie unter „Anpassen“ an.
      </p>
      <div className="kern-table-responsive">
        <table className="kern-table kern-table--striped">
          <caption className="kern-sr-only">Online-Dienste und ihr Status</caption>
          <thead>
            <tr className="kern-table__row">
              <th scope="col" className="kern-table__header">Dienst</th>
              <th scope="col" className="kern-table__header">Bereich</th>
              <th scope="col" className="kern-table__header">Version</th>
              <th scope="col" className="kern-table__header">Status</th>
              <th scope="col" className="kern-table__header">Aktionen</th>
            </tr>
          </thead>
          <tbody>
            {p.services.map((s) => (
              <tr className="kern-table__row">
                <th scope="row" className="kern-table__cell">{s.definition.title}</th>
                <td className="kern-table__cell">{AREA_LABELS[s.definition.area] ?? s.definition.area}</td>
                <td className="kern-table__cell">{String(s.version)}{s.source === "imported" ? " (importiert)" : ""}</td>
                <td className="kern-table__cell">{s.enabled ? "aktiv" : "nicht aktiv"}</td>
                <td className="kern-table__cell">
                  <form method="post" action={`${adminBase(t)}/${s.id}/status`} className="inline-form">
                    <CsrfField token={p.csrf} />
                    <input type="hidden" name="enabled" value={s.enabled ? "0" : "1"} />
                    <button type="submit" className="kern-btn kern-btn--secondary kern-btn--small">
                      <span className="kern-label">{s.enabled ? "Deaktivieren" : "Aktivieren"}<span className="visually-hidden">: {s.definition.title}</span></span>
                    </button>
                  </form>{" "}
                  <a className="kern-link" href={`${adminBase(t)}/${s.id}`}>Anpassen<span className="kern-sr-only">: {s.definition.title}</span></a>
                  {s.enabled ? <Fragment>{" "}<a className="kern-link" href={`/${t.slug}/dienste/${s.id}`}>Ansehen<span className="kern-sr-only">: {s.definition.title}</span></a></Fragment> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {p.services.length === 0 ? <p className="kern-body">In dieser Installation sind noch keine Online-Dienste hinterlegt.</p> : null}
    </Fragment>
  );
}

export function ServiceSettingsForm(p: {
  tenant: Tenant;
  service: MunicipalService;
  departments: Department[];
  mappedDepartment: Department | undefined;
  values: Record<string, string>;
  errors: FieldErrors;
  csrf: string;
  saved: boolean;
}): SafeHtml {
  const t = p.tenant;
  const d = p.service.definition;
  const v = p.values;
  const e = p.errors;
  const options = [
    { value: "", label: p.mappedDepartment ? `Nach Zuständigkeit: ${p.mappedDepartment.name}` : "Nach Zuständigkeit (noch keinem Amt zugeordnet)" },
    ...p.departments.map((x) => ({ value: x.key, label: x.name })),
  ];
  return (
    <Fragment>
      <h1 className="kern-heading-large">Online-Dienst anpassen: {d.title}</h1>
      <ErrorSummary errors={e} />
      {p.saved ? <SuccessAlert title="Die Anpassungen wurden gespeichert." /> : null}
      <p className="kern-body">
        Status: {p.service.enabled ? "aktiv" : "nicht aktiv"} · Version {String(p.service.version)}. Leere Felder übernehmen die Angaben der gemeinsamen Dienstbeschreibung.
      </p>
      <form method="post" action={`${adminBase(t)}/${p.service.id}`} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <TextArea
          name="fees"
          label="Gebühren"
          hint={`Eine Gebühr je Zeile: „Bezeichnung = 12,50“, optional mit Hinweis: „Bezeichnung = 12,50 | Hinweis“. „gebührenfrei“ für keinen Betrag. Leer: wie in der Dienstbeschreibung (${d.fees.length ? d.fees.map((f) => f.label).join(", ") : "gebührenfrei"}).`}
          value={v.fees}
          error={e.fees}
          rows={5}
        />
        <TextArea name="summary" label="Kurzbeschreibung" hint={`Leer: „${d.summary}“`} value={v.summary} error={e.summary} rows={3} maxlength={500} />
        <TextArea name="description" label="Beschreibung" hint="Leer: die Beschreibung der Dienstbeschreibung. Textformat: Leerzeile trennt Absätze, „## “ beginnt eine Überschrift, „- “ einen Listenpunkt." value={v.description} error={e.description} rows={8} />
        <TextField name="processingTime" label="Bearbeitungsdauer" hint={`Leer: „${d.processingTime}“`} value={v.processingTime} error={e.processingTime} maxlength={200} />
        <SelectField name="departmentKey" label="Zuständiges Amt" hint="Ohne Auswahl gilt die Zuordnung der Zuständigkeiten unter „Ämter“." value={v.departmentKey ?? ""} error={e.departmentKey} options={options} />
        <SubmitButton label="Anpassungen speichern" />
      </form>
      <p className="kern-body"><a className="kern-link" href={adminBase(t)}>Zurück zu allen Online-Diensten</a></p>
    </Fragment>
  );
}
