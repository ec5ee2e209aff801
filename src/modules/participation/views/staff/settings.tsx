import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SubmitButton, TextField, type FieldErrors } from "../../../../platform/ui/forms.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { AgencyRow } from "../../store.js";
import { ActionButton, Notice, staffBase } from "./common.js";

/** The town's Träger öffentlicher Belange and the map settings of the public procedure pages. */

export interface AgencyFormValues {
  name: string;
  email: string;
  kontakt: string;
}

export const emptyAgencyForm = (): AgencyFormValues => ({ name: "", email: "", kontakt: "" });

export function AgenciesPage(p: { tenant: Tenant; csrf: string; agencies: AgencyRow[]; values: AgencyFormValues; errors: FieldErrors; notice?: string | undefined }): SafeHtml {
  const b = staffBase(p.tenant);
  const e = p.errors;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Träger öffentlicher Belange</h1>
      <Notice text={p.notice} />
      <ErrorSummary errors={e} />
      <p className="kern-body">
        Behörden und sonstige Träger öffentlicher Belange, die Sie nach § 4 BauGB beteiligen. Zu jeder Beteiligung erhalten die ausgewählten per E-Mail einen persönlichen Zugang, über den sie die Unterlagen sehen und ihre Stellungnahme abgeben. Eine deaktivierte Behörde wird nicht mehr vorgeschlagen; bestehende Einladungen bleiben gültig.
      </p>
      {p.agencies.length === 0 ? <p className="kern-body">Noch keine Träger öffentlicher Belange angelegt.</p> : (
        <div className="kern-table-responsive">
          <table className="kern-table">
            <caption className="kern-title">Träger öffentlicher Belange ({p.agencies.length})</caption>
            <thead className="kern-table__head">
              <tr className="kern-table__row">
                <th className="kern-table__header" scope="col">Name</th>
                <th className="kern-table__header" scope="col">E-Mail</th>
                <th className="kern-table__header" scope="col">Ansprechperson</th>
                <th className="kern-table__header" scope="col">Stand</th>
                <th className="kern-table__header" scope="col">Aktion</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {p.agencies.map((a) => (
                <tr className="kern-table__row">
                  <th className="kern-table__cell" scope="row">{a.name}</th>
                  <td className="kern-table__cell">{a.email}</td>
                  <td className="kern-table__cell">{a.contact_name ?? "–"}</td>
                  <td className="kern-table__cell">{a.active ? "aktiv" : "deaktiviert"}</td>
                  <td className="kern-table__cell">
                    <ActionButton action={`${b}/behoerden/${a.id}/aktiv`} csrf={p.csrf} hidden={{ aktiv: a.active ? "0" : "1" }} label={a.active ? "Deaktivieren" : "Aktivieren"} srSuffix={a.name} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form method="post" action={`${b}/behoerden`} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <h2 className="kern-heading-medium">Träger öffentlicher Belange hinzufügen</h2>
        <TextField name="name" label="Name der Behörde oder Stelle" hint="Zum Beispiel „Kreisausschuss des Hochtaunuskreises, Fachbereich Umwelt“." value={p.values.name} error={e.name} required maxlength={300} />
        <TextField name="email" label="E-Mail-Adresse" hint="An diese Adresse gehen Einladungen und Erinnerungen, am besten ein Funktionspostfach." value={p.values.email} error={e.email} type="email" autocomplete="off" required maxlength={320} />
        <TextField name="kontakt" label="Ansprechperson" value={p.values.kontakt} error={e.kontakt} maxlength={200} />
        <SubmitButton label="Hinzufügen" />
      </form>
      <p className="kern-body"><a className="kern-link" href={b}>Zurück zur Übersicht der Verfahren</a></p>
    </Fragment>
  );
}

export interface MapFormValues {
  kacheln: string;
  quelle: string;
}

export function MapSettingsPage(p: { tenant: Tenant; csrf: string; values: MapFormValues; errors: FieldErrors; notice?: string | undefined }): SafeHtml {
  const b = staffBase(p.tenant);
  const e = p.errors;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Kartendarstellung</h1>
      <Notice text={p.notice} />
      <ErrorSummary errors={e} />
      <p className="kern-body">
        Auf den öffentlichen Seiten der Verfahren zeigen wir den Geltungsbereich als Umriss, den unser Server selbst zeichnet. Solange hier kein Kachelserver eingetragen ist, lädt der Browser dafür nichts von anderen Servern: Keine Anfrage verlässt den Server der Kommune, und niemand erfährt, wer sich welchen Plan ansieht.
      </p>
      <p className="kern-body">
        Wenn Sie zusätzlich eine Hintergrundkarte anbieten möchten, tragen Sie die Adresse eines Kachelservers ein, zum Beispiel den Kartendienst Ihres Landes oder einen eigenen. Dann lädt der Browser der Besucherinnen und Besucher die Kacheln von diesem Server; bitte nennen Sie ihn in Ihrer Datenschutzerklärung.
      </p>
      <form method="post" action={`${b}/karte`} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <TextField name="kacheln" label="Adresse des Kachelservers" hint="Mit https:// und den Platzhaltern {z}, {x} und {y}, zum Beispiel https://karten.example.de/tiles/{z}/{x}/{y}.png. Leer lassen: keine Hintergrundkarte." value={p.values.kacheln} error={e.kacheln} type="url" maxlength={500} />
        <TextField name="quelle" label="Quellenvermerk der Karte" hint="Pflicht, wenn ein Kachelserver eingetragen ist, zum Beispiel „© GeoBasis-DE / BKG“." value={p.values.quelle} error={e.quelle} maxlength={300} />
        <SubmitButton label="Speichern" />
      </form>
      <p className="kern-body"><a className="kern-link" href={b}>Zurück zur Übersicht der Verfahren</a></p>
    </Fragment>
  );
}
