import { h, Fragment, type SafeHtml } from "./jsx.js";
import type { Contact, OpeningHours, PostalAddress } from "../contact.js";

export function AddressBlock(p: { name?: string; address: PostalAddress; room?: string | null }): SafeHtml {
  return (
    <address className="kern-body address-block">
      {p.name ? <Fragment>{p.name}<br /></Fragment> : null}
      {p.address.street}
      {p.room ? <Fragment>, {p.room}</Fragment> : null}
      <br />
      {p.address.postalCode} {p.address.city}
    </address>
  );
}

export function ContactList(p: { contact: Contact }): SafeHtml {
  const c = p.contact;
  return (
    <dl className="kern-description-list">
      {c.phone ? (
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Telefon</dt>
          <dd className="kern-description-list-item__value"><a className="kern-link" href={`tel:${c.phone.replace(/[^\d+]/g, "")}`}>{c.phone}</a></dd>
        </div>
      ) : null}
      {c.fax ? (
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Fax</dt>
          <dd className="kern-description-list-item__value">{c.fax}</dd>
        </div>
      ) : null}
      {c.email ? (
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">E-Mail</dt>
          <dd className="kern-description-list-item__value"><a className="kern-link" href={`mailto:${c.email}`}>{c.email}</a></dd>
        </div>
      ) : null}
      {c.website ? (
        <div className="kern-description-list-item">
          <dt className="kern-description-list-item__key">Website</dt>
          <dd className="kern-description-list-item__value"><a className="kern-link" href={c.website}>{c.website.replace(/^https?:\/\//, "")}</a></dd>
        </div>
      ) : null}
    </dl>
  );
}

export function OpeningHoursTable(p: { hours: OpeningHours; caption: string }): SafeHtml {
  if (p.hours.entries.length === 0) return <p className="kern-body">Öffnungszeiten auf Anfrage.</p>;
  return (
    <div className="opening-hours-block">
      <table className="kern-table opening-hours">
        <caption className="kern-title kern-title--small">{p.caption}</caption>
        <thead className="kern-table__header">
          <tr className="kern-table__row">
            <th scope="col" className="kern-table__header">Tage</th>
            <th scope="col" className="kern-table__header">Uhrzeit</th>
          </tr>
        </thead>
        <tbody className="kern-table__body">
          {p.hours.entries.map((e) => (
            <tr className="kern-table__row">
              <th scope="row" className="kern-table__cell">{e.days}</th>
              <td className="kern-table__cell">{e.hours}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {p.hours.note ? <p className="kern-body">{p.hours.note}</p> : null}
    </div>
  );
}
