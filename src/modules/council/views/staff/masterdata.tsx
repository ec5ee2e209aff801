import { h, Fragment, type SafeHtml } from "../../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SelectField, SubmitButton, TextArea, TextField, type FieldErrors } from "../../../../platform/ui/forms.js";
import { formatDate } from "../../../../platform/clock.js";
import type { Tenant } from "../../../../platform/tenancy.js";
import type { LocationRow, MembershipRow, OrganizationKind, OrganizationRow, PersonRow } from "../../store.js";
import { ORGANIZATION_KINDS } from "../../service.js";
import { CheckBox, Notice, RadioGroup, staffBase } from "./common.js";

export function BodiesPage(p: { tenant: Tenant; csrf: string; bodies: OrganizationRow[]; locations: LocationRow[]; values: Record<string, string>; errors: FieldErrors; notice?: string | undefined }): SafeHtml {
  const v = p.values;
  const b = staffBase(p.tenant);
  return (
    <Fragment>
      <h1 className="kern-heading-large">Gremien und Personen</h1>
      <ErrorSummary errors={p.errors} />
      <Notice text={p.notice} />
      <p className="kern-body"><a className="kern-link" href={`${b}/personen`}>Personen und Mitgliedschaften</a></p>
      <h2 className="kern-heading-medium">Gremien</h2>
      <div className="kern-table-responsive">
        <table className="kern-table">
          <caption className="kern-sr-only">Gremien und Fraktionen</caption>
          <thead className="kern-table__head"><tr className="kern-table__row"><th className="kern-table__header" scope="col">Name</th><th className="kern-table__header" scope="col">Art</th><th className="kern-table__header" scope="col">Sitzungen</th></tr></thead>
          <tbody className="kern-table__body">
            {p.bodies.map((o) => (
              <tr className="kern-table__row">
                <th className="kern-table__cell" scope="row">{o.name}{o.short_name ? ` (${o.short_name})` : ""}</th>
                <td className="kern-table__cell">{ORGANIZATION_KINDS[o.kind]}</td>
                <td className="kern-table__cell">{o.kind === "fraktion" ? "–" : o.meets_publicly ? "öffentlich" : "tagt nur nichtöffentlich"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form method="post" action={`${b}/gremien`} className="stack-form" aria-labelledby="neues-gremium" novalidate>
        <h2 className="kern-heading-medium" id="neues-gremium">Neues Gremium</h2>
        <CsrfField token={p.csrf} />
        <TextField name="name" label="Name" value={v.name} error={p.errors.name} required maxlength={200} />
        <TextField name="shortName" label="Kurzname" value={v.shortName} maxlength={50} />
        <SelectField name="kind" label="Art" value={v.kind ?? "ausschuss"} error={p.errors.kind} options={(Object.keys(ORGANIZATION_KINDS) as OrganizationKind[]).map((k) => ({ value: k, label: ORGANIZATION_KINDS[k] }))} />
        <CheckBox id="nonpublic" name="nonpublic" label="tagt nur nichtöffentlich" checked={v.nonpublic === "1"} hint="z. B. Magistrat oder Gemeindevorstand: Sitzungen erscheinen öffentlich nur mit Datum oder gar nicht (siehe Einstellungen)." />
        <SelectField name="locationId" label="Üblicher Sitzungsort" value={v.locationId ?? ""} options={[{ value: "", label: "– keiner –" }, ...p.locations.map((l) => ({ value: l.id, label: [l.description, l.room].filter(Boolean).join(", ") }))]} />
        <SubmitButton label="Gremium anlegen" secondary />
      </form>
    </Fragment>
  );
}

export function PersonsPage(p: { tenant: Tenant; persons: PersonRow[]; notice?: string | undefined }): SafeHtml {
  const b = staffBase(p.tenant);
  return (
    <Fragment>
      <h1 className="kern-heading-large">Personen</h1>
      <Notice text={p.notice} />
      <p className="kern-body"><a className="kern-link" href={`${b}/personen/neu`}>Neue Person anlegen</a> · <a className="kern-link" href={`${b}/gremien`}>Gremien</a></p>
      <div className="kern-table-responsive">
        <table className="kern-table">
          <caption className="kern-sr-only">Personen</caption>
          <thead className="kern-table__head"><tr className="kern-table__row"><th className="kern-table__header" scope="col">Name</th><th className="kern-table__header" scope="col">Partei</th><th className="kern-table__header" scope="col">Einwilligung</th><th className="kern-table__header" scope="col">Anmeldung</th></tr></thead>
          <tbody className="kern-table__body">
            {p.persons.filter((x) => !x.deleted_at).map((x) => (
              <tr className="kern-table__row">
                <th className="kern-table__cell" scope="row"><a className="kern-link" href={`${b}/personen/${x.id}`}>{x.family_name}, {x.title ? `${x.title} ` : ""}{x.given_name}</a></th>
                <td className="kern-table__cell">{x.party ?? "–"}</td>
                <td className="kern-table__cell">{x.consent_at ? `seit ${formatDate(x.consent_at)}` : "nein"}</td>
                <td className="kern-table__cell">{x.account_id ? "verknüpft" : "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Fragment>
  );
}

export interface PersonFormValues {
  familyName: string;
  givenName: string;
  title: string;
  party: string;
  consent: boolean;
  email: string;
  phone: string;
  life: string;
  accountEmail: string;
}

export function PersonForm(p: { action: string; csrf: string; values: PersonFormValues; errors: FieldErrors; button: string }): SafeHtml {
  const v = p.values;
  const e = p.errors;
  return (
    <form method="post" action={p.action} className="stack-form" novalidate>
      <CsrfField token={p.csrf} />
      <TextField name="familyName" label="Familienname" value={v.familyName} error={e.familyName} required maxlength={100} />
      <TextField name="givenName" label="Vorname" value={v.givenName} error={e.givenName} required maxlength={100} />
      <TextField name="title" label="Titel" value={v.title} maxlength={50} />
      <TextField name="party" label="Partei oder Wählergruppe" value={v.party} maxlength={100} />
      <fieldset className="kern-fieldset">
        <legend className="kern-label kern-label--large">Persönliche Angaben</legend>
        <CheckBox id="consent" name="consent" label="Einwilligung zur Veröffentlichung persönlicher Angaben liegt vor" checked={v.consent} hint="Nur mit Einwilligung erscheinen E-Mail-Adresse, Telefon und Lebenslauf öffentlich." />
        <TextField name="email" label="E-Mail-Adresse" type="email" value={v.email} error={e.email} maxlength={200} />
        <TextField name="phone" label="Telefon" type="tel" value={v.phone} maxlength={50} />
        <TextArea name="life" label="Lebenslauf" value={v.life} rows={4} maxlength={5000} />
      </fieldset>
      <TextField name="accountEmail" label="Anmeldung als Mandatsträger: E-Mail-Adresse des Kontos" hint="Das Konto muss in dieser Kommune die Rolle Mandatsträgerin / Mandatsträger haben. Leer: keine Anmeldung." type="email" value={v.accountEmail} error={e.accountEmail} maxlength={200} />
      <SubmitButton label={p.button} />
    </form>
  );
}

export function NewPersonPage(p: { tenant: Tenant; csrf: string; values: PersonFormValues; errors: FieldErrors }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Neue Person</h1>
      <ErrorSummary errors={p.errors} />
      <PersonForm action={`${staffBase(p.tenant)}/personen`} csrf={p.csrf} values={p.values} errors={p.errors} button="Person anlegen" />
    </Fragment>
  );
}

export function PersonPage(p: { tenant: Tenant; csrf: string; person: PersonRow; values: PersonFormValues; memberships: MembershipRow[]; bodies: OrganizationRow[]; membershipValues: Record<string, string>; errors: FieldErrors; today: string; notice?: string | undefined }): SafeHtml {
  const b = `${staffBase(p.tenant)}/personen/${p.person.id}`;
  const names = new Map(p.bodies.map((o) => [o.id, o.name]));
  const factions = p.bodies.filter((o) => o.kind === "fraktion");
  const mv = p.membershipValues;
  const e = p.errors;
  const iso = (d: string | null) => (d ? formatDate(d) : "–");
  return (
    <Fragment>
      <h1 className="kern-heading-large">{p.person.given_name} {p.person.family_name}</h1>
      <ErrorSummary errors={e} />
      <Notice text={p.notice} />
      <section aria-labelledby="stammdaten">
        <h2 className="kern-heading-medium" id="stammdaten">Angaben</h2>
        <PersonForm action={b} csrf={p.csrf} values={p.values} errors={e} button="Änderungen speichern" />
      </section>
      <section aria-labelledby="mitgliedschaften">
        <h2 className="kern-heading-medium" id="mitgliedschaften">Mitgliedschaften</h2>
        {p.memberships.length === 0 ? <p className="kern-body">Keine.</p> : (
          <div className="kern-table-responsive">
            <table className="kern-table">
              <caption className="kern-sr-only">Mitgliedschaften</caption>
              <thead className="kern-table__head"><tr className="kern-table__row"><th className="kern-table__header" scope="col">Gremium</th><th className="kern-table__header" scope="col">Rolle</th><th className="kern-table__header" scope="col">Fraktion</th><th className="kern-table__header" scope="col">Stimmrecht</th><th className="kern-table__header" scope="col">von</th><th className="kern-table__header" scope="col">bis</th></tr></thead>
              <tbody className="kern-table__body">
                {p.memberships.map((m) => (
                  <tr className="kern-table__row">
                    <th className="kern-table__cell" scope="row">{names.get(m.organization_id) ?? "–"}</th>
                    <td className="kern-table__cell">{m.role ?? "Mitglied"}</td>
                    <td className="kern-table__cell">{m.on_behalf_of ? names.get(m.on_behalf_of) ?? "–" : "–"}</td>
                    <td className="kern-table__cell">{m.voting_right ? "ja" : "nein"}</td>
                    <td className="kern-table__cell">{iso(m.start_date)}</td>
                    <td className="kern-table__cell">
                      {m.end_date ? iso(m.end_date) : (
                        <form method="post" action={`${b}/mitgliedschaften/${m.id}/beenden`} className="compact-form">
                          <CsrfField token={p.csrf} />
                          <label className="kern-label" htmlFor={`ende-${m.id}`}>Beenden zum<span className="kern-sr-only"> ({names.get(m.organization_id) ?? ""})</span></label>
                          {e[`ende-${m.id}`] ? <p className="kern-error" id={`ende-${m.id}-fehler`} role="alert"><span className="kern-body">{e[`ende-${m.id}`]}</span></p> : null}
                          <input className="kern-form-input__input kern-form-input__input--width-10" type="text" id={`ende-${m.id}`} name="until" value={mv[`ende-${m.id}`] ?? ""} placeholder="TT.MM.JJJJ" aria-describedby={e[`ende-${m.id}`] ? `ende-${m.id}-fehler` : undefined} />
                          <SubmitButton label="Beenden" secondary />
                        </form>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <form method="post" action={`${b}/mitgliedschaften`} className="stack-form" aria-labelledby="neue-mitgliedschaft" novalidate>
          <h3 className="kern-heading-small" id="neue-mitgliedschaft">Mitgliedschaft hinzufügen</h3>
          <CsrfField token={p.csrf} />
          <SelectField name="organizationId" label="Gremium oder Fraktion" value={mv.organizationId ?? ""} error={e.organizationId} options={[{ value: "", label: "– bitte wählen –" }, ...p.bodies.map((o) => ({ value: o.id, label: o.name }))]} />
          <TextField name="role" label="Rolle" hint="z. B. Mitglied, Vorsitzende, stellv. Mitglied" value={mv.role ?? "Mitglied"} maxlength={100} />
          <SelectField name="onBehalfOf" label="Für die Fraktion" value={mv.onBehalfOf ?? ""} error={e.onBehalfOf} options={[{ value: "", label: "– keine –" }, ...factions.map((o) => ({ value: o.id, label: o.name }))]} />
          <CheckBox id="votingRight" name="votingRight" label="stimmberechtigt" checked={(mv.votingRight ?? "1") === "1"} />
          <TextField name="from" label="von" hint="TT.MM.JJJJ" value={mv.from ?? ""} error={e.from} maxlength={10} />
          <TextField name="until" label="bis" hint="TT.MM.JJJJ; leer: unbefristet" value={mv.until ?? ""} error={e.until} maxlength={10} />
          <SubmitButton label="Mitgliedschaft hinzufügen" secondary />
        </form>
      </section>
      <p className="kern-body"><a className="kern-link" href={`${staffBase(p.tenant)}/personen`}>Zurück zur Liste der Personen</a></p>
    </Fragment>
  );
}

export function SettingsPage(p: { tenant: Tenant; csrf: string; value: "date" | "hidden"; notice?: string | undefined }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Einstellungen der Ratsinformation</h1>
      <Notice text={p.notice} />
      <form method="post" action={`${staffBase(p.tenant)}/einstellungen`} className="stack-form">
        <CsrfField token={p.csrf} />
        <RadioGroup name="nonpublicMeetings" legend="Sitzungen von Gremien, die nur nichtöffentlich tagen (z. B. Magistrat), erscheinen öffentlich" legendClass="kern-label kern-label--large" value={p.value} options={[{ value: "date", label: "nur mit Datum (ohne Tagesordnung)" }, { value: "hidden", label: "gar nicht" }]} />
        <SubmitButton label="Speichern" />
      </form>
    </Fragment>
  );
}
