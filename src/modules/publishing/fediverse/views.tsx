import { h, Fragment, type SafeHtml } from "../../../platform/ui/jsx.js";
import { CsrfField, ErrorSummary, SubmitButton, TextField, type FieldErrors } from "../../../platform/ui/forms.js";
import { formatDateTime } from "../../../platform/clock.js";
import type { Tenant } from "../../../platform/tenancy.js";
import type { DeliveryRow, DeliveryStatus, FollowerRow, FollowingRow, MastodonRow, ReceivedRow } from "./store.js";

/** The Redaktion's pages of the town on the Fediverse. */

export const fediverseBase = (t: Tenant) => `/${t.slug}/verwaltung/fediverse`;

const STATUS_LABELS: Record<DeliveryStatus, string> = { queued: "wartet / wird wiederholt", sent: "zugestellt", failed: "fehlgeschlagen" };
const FOLLOWING_LABELS = { pending: "angefragt", accepted: "bestätigt", rejected: "abgelehnt" } as const;

function Notice(p: { text: string | undefined }): SafeHtml {
  if (!p.text) return <Fragment />;
  return (
    <div className="kern-alert kern-alert--success" role="status">
      <div className="kern-alert__body"><p className="kern-body">{p.text}</p></div>
    </div>
  );
}

function ButtonForm(p: { action: string; csrf: string; label: string; srSuffix: string }): SafeHtml {
  return (
    <form method="post" action={p.action} className="inline-form">
      <CsrfField token={p.csrf} />
      <button type="submit" className="kern-btn kern-btn--secondary">
        <span className="kern-label">{p.label}<span className="visually-hidden"> {p.srSuffix}</span></span>
      </button>
    </form>
  );
}

/** A received post as short plain text (its HTML is never rendered: tags dropped, the rest escaped). */
function excerpt(r: ReceivedRow): string {
  if (r.title) return r.title;
  const text = (r.content ?? "").replace(/<[^>]*>/g, " ").replace(/&nbsp;/g, " ").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/\s+/g, " ").trim();
  return text.length > 160 ? `${text.slice(0, 159)}…` : text || r.object_type;
}

export interface OverviewProps {
  tenant: Tenant;
  csrf: string;
  handle: string;
  actorUri: string;
  followers: FollowerRow[];
  followerCount: number;
  following: FollowingRow[];
  received: ReceivedRow[];
  failedCount: number;
  mastodon: MastodonRow | undefined;
  account: string;
  errors: FieldErrors;
  notice: string | undefined;
}

export function OverviewPage(p: OverviewProps): SafeHtml {
  const base = fediverseBase(p.tenant);
  return (
    <Fragment>
      <h1 className="kern-heading-large">Fediverse</h1>
      <ErrorSummary errors={p.errors} />
      <Notice text={p.notice} />
      <p className="kern-body">
        Neuigkeiten und amtliche Bekanntmachungen gehen nach der Veröffentlichung automatisch an alle, die der Kommune im Fediverse (z. B. über Mastodon) folgen – mit Link zur Website.
      </p>
      <dl className="kern-description-list">
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Konto der Kommune</dt><dd className="kern-description-list-item__value"><code>{p.handle}</code></dd></div>
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Adresse (ActivityPub)</dt><dd className="kern-description-list-item__value"><code>{p.actorUri}</code></dd></div>
        <div className="kern-description-list-item"><dt className="kern-description-list-item__key">Mastodon-Konto</dt><dd className="kern-description-list-item__value">{p.mastodon ? `verbunden mit ${p.mastodon.instance_url}` : "nicht eingerichtet"} (<a className="kern-link" href={`${base}/mastodon`}>Mastodon-Einstellungen</a>)</dd></div>
      </dl>
      <p className="kern-body">
        <a className="kern-link" href={`${base}/zustellungen`}>Zustellungen ansehen</a>
        {p.failedCount > 0 ? <strong> – {p.failedCount} fehlgeschlagen</strong> : null}
      </p>

      <h2 className="kern-heading-medium">Einem Fediverse-Konto folgen</h2>
      <form method="post" action={`${base}/folgen`} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <TextField name="konto" label="Konto" value={p.account} required maxlength={500} error={p.errors.konto} hint="Als @name@server (z. B. @bundesregierung@social.bund.de) oder als Adresse des Kontos (https://…)." />
        <SubmitButton label="Folgen" />
      </form>

      <h2 className="kern-heading-medium">Die Kommune folgt</h2>
      {p.following.length === 0 ? <p className="kern-body">Die Kommune folgt noch keinem Konto.</p> : (
        <div className="kern-table-responsive">
          <table className="kern-table">
            <caption className="kern-sr-only">Konten, denen die Kommune folgt</caption>
            <thead className="kern-table__head"><tr className="kern-table__row"><th className="kern-table__header" scope="col">Konto</th><th className="kern-table__header" scope="col">Stand</th><th className="kern-table__header" scope="col">Seit</th><th className="kern-table__header" scope="col">Aktion</th></tr></thead>
            <tbody className="kern-table__body">
              {p.following.map((f) => (
                <tr className="kern-table__row">
                  <th className="kern-table__cell" scope="row">{f.name ? `${f.name} ` : ""}<code>{f.handle ?? f.actor_id}</code></th>
                  <td className="kern-table__cell">{FOLLOWING_LABELS[f.status]}</td>
                  <td className="kern-table__cell">{formatDateTime(f.created_at)}</td>
                  <td className="kern-table__cell"><ButtonForm action={`${base}/folgen/${f.id}/beenden`} csrf={p.csrf} label="Nicht mehr folgen" srSuffix={f.handle ?? f.actor_id} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2 className="kern-heading-medium">Follower ({p.followerCount})</h2>
      {p.followers.length === 0 ? <p className="kern-body">Noch niemand folgt der Kommune.</p> : (
        <Fragment>
          <p className="kern-body">Die Liste ist nur hier zu sehen; öffentlich nennt die Kommune nur die Anzahl.</p>
          <ul className="kern-list">
            {p.followers.map((f) => <li><code>{f.handle ?? f.actor_id}</code> – seit {formatDateTime(f.created_at)}</li>)}
          </ul>
        </Fragment>
      )}

      <h2 className="kern-heading-medium">Zuletzt empfangen</h2>
      {p.received.length === 0 ? <p className="kern-body">Noch keine Beiträge von Konten, denen die Kommune folgt.</p> : (
        <ul className="kern-list">
          {p.received.map((r) => (
            <li>
              {formatDateTime(r.received_at)}: „{excerpt(r)}“ von <code>{r.actor_id}</code>
              {r.url && /^https?:\/\//.test(r.url) ? <Fragment> (<a className="kern-link" href={r.url} rel="noopener noreferrer nofollow">Beitrag öffnen<span className="visually-hidden"> {excerpt(r)}</span></a>)</Fragment> : null}
            </li>
          ))}
        </ul>
      )}
    </Fragment>
  );
}

export function DeliveriesPage(p: { tenant: Tenant; csrf: string; deliveries: DeliveryRow[]; status: DeliveryStatus | ""; titles: Map<string, string>; notice: string | undefined; error: string | undefined }): SafeHtml {
  const base = fediverseBase(p.tenant);
  const filters: { value: DeliveryStatus | ""; label: string }[] = [{ value: "", label: "Alle" }, { value: "failed", label: "Fehlgeschlagen" }, { value: "queued", label: "Wartend" }, { value: "sent", label: "Zugestellt" }];
  return (
    <Fragment>
      <h1 className="kern-heading-large">Zustellungen</h1>
      {p.error ? <ErrorSummary errors={{ zustellungen: p.error }} /> : null}
      <Notice text={p.notice} />
      <p className="kern-body">Jede Zustellung an ein Fediverse-Postfach und an das Mastodon-Konto der Kommune. Fehlgeschlagene Versuche werden automatisch wiederholt; erst nach dem letzten Versuch gilt eine Zustellung als fehlgeschlagen.</p>
      <nav aria-label="Zustellungen filtern">
        <ul className="kern-list filter-links">
          {filters.map((f) => <li>{f.value === p.status ? <strong aria-current="page">{f.label}</strong> : <a className="kern-link" href={f.value ? `${base}/zustellungen?stand=${f.value}` : `${base}/zustellungen`}>{f.label}</a>}</li>)}
        </ul>
      </nav>
      {p.deliveries.length === 0 ? <p className="kern-body" id="zustellungen">Keine Zustellungen.</p> : (
        <div className="kern-table-responsive" id="zustellungen">
          <table className="kern-table">
            <caption className="kern-sr-only">Zustellungen, neueste zuerst</caption>
            <thead className="kern-table__head">
              <tr className="kern-table__row">
                <th className="kern-table__header" scope="col">Zeit</th>
                <th className="kern-table__header" scope="col">Was</th>
                <th className="kern-table__header" scope="col">Wohin</th>
                <th className="kern-table__header" scope="col">Stand</th>
                <th className="kern-table__header" scope="col">Versuche</th>
                <th className="kern-table__header" scope="col">Letzter Fehler</th>
                <th className="kern-table__header" scope="col">Aktion</th>
              </tr>
            </thead>
            <tbody className="kern-table__body">
              {p.deliveries.map((d) => (
                <tr className={`kern-table__row delivery delivery--${d.status}`}>
                  <td className="kern-table__cell">{formatDateTime(d.created_at)}</td>
                  <th className="kern-table__cell" scope="row">{d.item_id ? p.titles.get(d.item_id) ?? d.item_id : d.activity_type} <span className="kern-hint">({d.channel === "mastodon" ? "Mastodon" : `Fediverse, ${d.activity_type}`})</span></th>
                  <td className="kern-table__cell"><code>{d.target}</code></td>
                  <td className="kern-table__cell">{d.status === "failed" ? <strong>{STATUS_LABELS[d.status]}</strong> : STATUS_LABELS[d.status]}</td>
                  <td className="kern-table__cell">{d.attempts}</td>
                  <td className="kern-table__cell">{d.last_error ?? "–"}</td>
                  <td className="kern-table__cell">{d.status === "failed" ? <ButtonForm action={`${base}/zustellungen/${d.id}/erneut`} csrf={p.csrf} label="Erneut senden" srSuffix={`an ${d.target}`} /> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="kern-body"><a className="kern-link" href={base}>Zurück zur Übersicht Fediverse</a></p>
    </Fragment>
  );
}

export function MastodonPage(p: { tenant: Tenant; csrf: string; account: MastodonRow | undefined; instanceUrl: string; errors: FieldErrors; notice: string | undefined }): SafeHtml {
  const base = fediverseBase(p.tenant);
  return (
    <Fragment>
      <h1 className="kern-heading-large">Mastodon-Konto</h1>
      <ErrorSummary errors={p.errors} />
      <Notice text={p.notice} />
      <p className="kern-body">
        Hat die Kommune schon ein Konto auf einem Mastodon-Server (z. B. social.bund.de), erscheinen dort zusätzlich alle veröffentlichten Beiträge mit Titel, Anreißer und Link. Legen Sie dafür im Mastodon-Konto unter „Einstellungen → Entwicklung“ eine Anwendung mit dem Recht <code>write:statuses</code> an und tragen Sie deren Zugangstoken hier ein.
      </p>
      {p.account ? <p className="kern-body">Verbunden mit <strong>{p.account.instance_url}</strong> seit {formatDateTime(p.account.updated_at)}. Der Zugangstoken ist gespeichert und wird nicht wieder angezeigt.</p> : <p className="kern-body">Noch kein Mastodon-Konto eingerichtet.</p>}
      <form method="post" action={`${base}/mastodon`} className="stack-form" novalidate>
        <CsrfField token={p.csrf} />
        <TextField name="instanz" label="Adresse des Mastodon-Servers" value={p.instanceUrl} required type="url" maxlength={200} error={p.errors.instanz} hint="z. B. https://social.bund.de" />
        <TextField name="zugangstoken" label="Zugangstoken" value="" required type="password" autocomplete="off" maxlength={512} error={p.errors.zugangstoken} hint={p.account ? "Zum Ändern den neuen Token eingeben." : undefined} />
        <SubmitButton label="Speichern" />
      </form>
      {p.account ? (
        <form method="post" action={`${base}/mastodon/entfernen`} className="stack-form">
          <CsrfField token={p.csrf} />
          <SubmitButton label="Verbindung entfernen" secondary />
        </form>
      ) : null}
      <p className="kern-body"><a className="kern-link" href={base}>Zurück zur Übersicht Fediverse</a></p>
    </Fragment>
  );
}
