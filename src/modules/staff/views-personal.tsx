import { h, Fragment, type SafeHtml } from "../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SubmitButton, SuccessAlert, TextField, type FieldErrors, SelectField } from "../../platform/ui/forms.js";
import { formatDateTime } from "../../platform/clock.js";
import type { RoleDefinition } from "../../platform/module.js";
import type { RoleGrant, TenantStaffEntry } from "../../platform/auth/accounts.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { Department } from "../tenants/index.js";

interface Lookup {
  roles: RoleDefinition[];
  departments: Department[];
}

function grantLabel(g: RoleGrant, l: Lookup): string {
  const role = l.roles.find((r) => r.key === g.role)?.label ?? g.role;
  if (!g.departmentId) return role;
  return `${role} (${l.departments.find((d) => d.id === g.departmentId)?.name ?? "Amt gelöscht"})`;
}


function RoleFields(p: Lookup & { values: Record<string, string>; errors: FieldErrors }): SafeHtml {
  return (
    <Fragment>
      <SelectField name="role" label="Rolle" value={p.values.role ?? ""} error={p.errors.role} options={[{ value: "", label: "Bitte wählen" }, ...p.roles.map((r) => ({ value: r.key, label: r.departmentScoped ? `${r.label} (für ein Amt)` : r.label }))]} />
      <SelectField
        name="departmentId"
        label="Amt"
        hint="Nötig für Rollen „für ein Amt“; bei anderen Rollen leer lassen, dann gilt die Rolle für die ganze Kommune."
        value={p.values.departmentId ?? ""}
        error={p.errors.departmentId}
        options={[{ value: "", label: "Ganze Kommune" }, ...p.departments.map((d) => ({ value: d.id, label: d.name }))]}
      />
    </Fragment>
  );
}

function StatusBadges(p: { m: { disabled: boolean; locked: boolean; totpEnabled: boolean; mustChangePassword: boolean } }): SafeHtml {
  const m = p.m;
  return (
    <Fragment>
      {m.disabled ? <span className="kern-badge kern-badge--danger"><span className="kern-label kern-label--small">deaktiviert</span></span> : null}
      {m.locked ? <span className="kern-badge kern-badge--warning"><span className="kern-label kern-label--small">vorübergehend gesperrt</span></span> : null}
      {m.totpEnabled ? <span className="kern-badge kern-badge--success"><span className="kern-label kern-label--small">Zwei-Faktor an</span></span> : <span className="kern-badge kern-badge--info"><span className="kern-label kern-label--small">ohne zweiten Faktor</span></span>}
      {m.mustChangePassword ? <span className="kern-badge kern-badge--info"><span className="kern-label kern-label--small">Einmalpasswort</span></span> : null}
    </Fragment>
  );
}

export function PersonalList(p: Lookup & { tenant: Tenant; members: TenantStaffEntry[] }): SafeHtml {
  const base = `/${p.tenant.slug}/verwaltung/personal`;
  return (
    <Fragment>
      <h1 className="kern-heading-large">Personal und Rollen</h1>
      <p className="kern-body">Wer im Verwaltungsbereich der {p.tenant.kind} {p.tenant.name} arbeitet, und mit welchen Rollen. Rollen „für ein Amt“ gelten nur für dieses Amt.</p>
      <p className="kern-body"><a className="kern-btn kern-btn--primary" href={`${base}/neu`}><span className="kern-label">Neues Konto anlegen</span></a></p>
      {p.members.length === 0 ? <p className="kern-body">Noch niemand hat eine Rolle in dieser Kommune.</p> : (
        <div className="kern-table-responsive">
          <table className="kern-table kern-table--striped">
            <caption className="kern-sr-only">Personal mit Rollen</caption>
            <thead>
              <tr className="kern-table__row">
                <th scope="col" className="kern-table__header">Name</th>
                <th scope="col" className="kern-table__header">E-Mail-Adresse</th>
                <th scope="col" className="kern-table__header">Rollen</th>
                <th scope="col" className="kern-table__header">Status</th>
              </tr>
            </thead>
            <tbody>
              {p.members.map((m) => (
                <tr className="kern-table__row">
                  <td className="kern-table__cell"><a className="kern-link" href={`${base}/${m.id}`}>{m.name}</a></td>
                  <td className="kern-table__cell">{m.email}</td>
                  <td className="kern-table__cell">{m.grants.map((g) => grantLabel(g, p)).join(", ")}</td>
                  <td className="kern-table__cell"><StatusBadges m={m} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Fragment>
  );
}

export function PersonalNewForm(p: Lookup & { tenant: Tenant; values: Record<string, string>; errors: FieldErrors; csrf: string }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">Neues Konto anlegen</h1>
      <ErrorSummary errors={p.errors} />
      <p className="kern-body">Das Konto bekommt ein Einmalpasswort, das nur einmal angezeigt wird. Bei der ersten Anmeldung wählt die Person ein eigenes Passwort.</p>
      <form method="post" action={`/${p.tenant.slug}/verwaltung/personal/neu`} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <TextField name="name" label="Name" value={p.values.name} error={p.errors.name} required autocomplete="off" maxlength={200} />
        <TextField name="email" label="Dienstliche E-Mail-Adresse" type="email" value={p.values.email} error={p.errors.email} required autocomplete="off" />
        <RoleFields roles={p.roles} departments={p.departments} values={p.values} errors={p.errors} />
        <SubmitButton label="Konto anlegen" />
      </form>
    </Fragment>
  );
}

export function OneTimePasswordPage(p: { tenant: Tenant; accountId: string; name: string; email: string; password: string; created: boolean }): SafeHtml {
  return (
    <Fragment>
      <h1 className="kern-heading-large">{p.created ? "Konto angelegt" : "Passwort zurückgesetzt"}</h1>
      <SuccessAlert title={p.created ? `Das Konto für ${p.name} ist angelegt.` : `Das Passwort von ${p.name} ist zurückgesetzt.`}>
        <p className="kern-body">Anmeldung mit der E-Mail-Adresse {p.email} und diesem Einmalpasswort:</p>
      </SuccessAlert>
      <p className="kern-body kern-body--large">Einmalpasswort: <code className="one-time-password">{p.password}</code></p>
      <p className="kern-body">Es wird <strong>nur jetzt</strong> angezeigt. Geben Sie es der Person auf sicherem Weg weiter (persönlich oder telefonisch, nicht per E-Mail). Bei der nächsten Anmeldung muss sie ein eigenes Passwort wählen.</p>
      <p className="kern-body"><a className="kern-link" href={`/${p.tenant.slug}/verwaltung/personal/${p.accountId}`}>Weiter zum Konto</a></p>
    </Fragment>
  );
}

export function PersonalDetail(p: Lookup & {
  tenant: Tenant;
  member: TenantStaffEntry & { otherTenants: boolean };
  /** may the viewer reset password / second factor and (de)activate the account? */
  manageAccount: boolean;
  values: Record<string, string>;
  errors: FieldErrors;
  notice?: string | undefined;
  csrf: string;
}): SafeHtml {
  const m = p.member;
  const base = `/${p.tenant.slug}/verwaltung/personal/${m.id}`;
  return (
    <Fragment>
      <h1 className="kern-heading-large">{m.name}</h1>
      <ErrorSummary errors={p.errors} />
      {p.notice ? <SuccessAlert title={p.notice}><p className="kern-body">Die Änderung ist im Protokoll vermerkt.</p></SuccessAlert> : null}
      <dl className="kern-description-list">
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">E-Mail-Adresse</dt><dd className="kern-description-list-item__value">{m.email}</dd></div>
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Status</dt><dd className="kern-description-list-item__value"><StatusBadges m={m} /></dd></div>
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Letzte Anmeldung</dt><dd className="kern-description-list-item__value">{m.lastLoginAt ? formatDateTime(m.lastLoginAt) : "noch nie"}</dd></div>
      </dl>

      <h2 className="kern-heading-medium">Rollen in der {p.tenant.kind} {p.tenant.name}</h2>
      {m.otherTenants ? <p className="kern-body">Die Person arbeitet auch für eine andere Kommune. Hier sehen und ändern Sie nur die Rollen dieser Kommune.</p> : null}
      <ul className="kern-list">
        {m.grants.map((g, i) => (
          <li>
            <form method="post" action={`${base}/rollen/entziehen`} className="inline-form">
              <CsrfField token={p.csrf} />
              <input type="hidden" name="role" value={g.role} />
              <input type="hidden" name="departmentId" value={g.departmentId ?? ""} />
              <span className="kern-body" id={`rolle-${i}`}>{grantLabel(g, p)}</span>{" "}
              {/* Named "Entziehen <role>" by aria-labelledby: a .kern-sr-only span inside would make KERN
                  style the button as an icon-only button (32 px wide), and "Entziehen" would spill out of it. */}
              <button type="submit" id={`rolle-${i}-entziehen`} aria-labelledby={`rolle-${i}-entziehen rolle-${i}`} className="kern-btn kern-btn--secondary kern-btn--x-small"><span className="kern-label">Entziehen</span></button>
            </form>
          </li>
        ))}
      </ul>

      <h2 className="kern-heading-medium">Rolle vergeben</h2>
      <form method="post" action={`${base}/rollen`} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <RoleFields roles={p.roles} departments={p.departments} values={p.values} errors={p.errors} />
        <SubmitButton label="Rolle vergeben" />
      </form>

      <h2 className="kern-heading-medium" id="zugang">Zugang</h2>
      {p.manageAccount ? (
        <Fragment>
          <p className="kern-body">Hat die Person ihr Passwort vergessen oder ihr Gerät für die Zwei-Faktor-Anmeldung verloren, setzen Sie es hier zurück. Eine Sperre nach zu vielen Fehlversuchen endet mit dem neuen Passwort.</p>
          <form method="post" action={`${base}/passwort`} className="stack-form">
            <CsrfField token={p.csrf} />
            <SubmitButton label="Einmalpasswort erzeugen" secondary />
          </form>
          {m.totpEnabled ? (
            <form method="post" action={`${base}/zwei-faktor`} className="stack-form">
              <CsrfField token={p.csrf} />
              <SubmitButton label="Zwei-Faktor-Anmeldung zurücksetzen" secondary />
            </form>
          ) : null}
          <form method="post" action={`${base}/${m.disabled ? "aktivieren" : "deaktivieren"}`} className="stack-form">
            <CsrfField token={p.csrf} />
            <SubmitButton label={m.disabled ? "Konto wieder aktivieren" : "Konto deaktivieren"} secondary />
          </form>
        </Fragment>
      ) : (
        <p className="kern-body">
          {m.otherTenants || m.platformAdmin
            ? "Passwort, Zwei-Faktor-Anmeldung und Sperre dieses Kontos verwaltet die Plattform-Administration, weil das Konto nicht nur zu Ihrer Kommune gehört."
            : "Ihr eigenes Passwort und Ihre Zwei-Faktor-Anmeldung verwalten Sie unter „Ihr Konto“ in der Übersicht."}
        </p>
      )}
      <p className="kern-body"><a className="kern-link" href={`/${p.tenant.slug}/verwaltung/personal`}>Zurück zur Liste</a></p>
    </Fragment>
  );
}
