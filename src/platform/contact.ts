/** Contact data every module shows: a municipality's, a department's. */
export interface OpeningHours {
  /** e.g. [{ days: "Montag bis Freitag", hours: "8:00–12:00 Uhr" }, …] */
  entries: { days: string; hours: string }[];
  /** free remark, e.g. "Termine nach Vereinbarung" */
  note?: string;
}

export interface Contact {
  phone: string;
  fax?: string;
  email: string;
  website?: string;
}

export interface PostalAddress {
  street: string;
  postalCode: string;
  city: string;
}
