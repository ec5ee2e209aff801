/**
 * The shape of a municipality's demo (or imported) data. Legal and information texts use
 * "Rathaus text": a tiny safe markup — blank line separates blocks; a block starting with
 * "## " or "### " is a heading; lines starting with "- " form a list; [label](https://…)
 * or [label](/path) is a link; everything else is a paragraph. No HTML is ever interpreted.
 */
import type { Contact, OpeningHours, PostalAddress } from "../../platform/contact.js";
export type { Contact, OpeningHours, PostalAddress };

export interface DepartmentSeed {
  /** stable key within the municipality, lowercase a-z0-9-, used in URLs */
  key: string;
  name: string;
  /** short description of what the department does (1–2 sentences) */
  description: string;
  address: PostalAddress;
  room?: string;
  contact: Contact;
  openingHours: OpeningHours;
  /** responsibility keys of shared service definitions that this department handles */
  responsibilities: string[];
}

export interface TenantSeed {
  slug: string;
  name: string;
  /** official type, e.g. "Stadt", "Gemeinde" */
  kind: string;
  /** Amtlicher Gemeindeschlüssel, 8 digits */
  ags: string;
  district: string;
  state: string;
  /** complete standalone SVG document, with <title>, viewBox, no scripts, no external refs */
  coatOfArmsSvg: string;
  colors: { primary: string; secondary: string };
  address: PostalAddress;
  contact: Contact;
  openingHours: OpeningHours;
  /** 1–2 sentences of welcome on the start page */
  welcome: string;
  departments: DepartmentSeed[];
  /** Rathaus text */
  impressum: string;
  /** Rathaus text */
  datenschutz: string;
  /** Rathaus text: Erklärung zur Barrierefreiheit (BITV 2.0 §7 / EU 2016/2102 model) */
  barrierefreiheit: string;
  /** Rathaus text: BITV 2.0 §4 information in Leichte Sprache */
  leichteSprache: string;
  /** Rathaus text: how deaf and hard-of-hearing people reach the town until the video exists */
  gebaerdenspracheHinweis: string;
  /** e-mail address that receives "Barriere melden" feedback */
  accessibilityContactEmail: string;
  /** host names mapped to this tenant in addition to /{slug}/ (demo: none) */
  hosts: string[];
}

/** The responsibility keys shared service definitions use (see docs/architecture.md, Departments). */
export const RESPONSIBILITY_KEYS = [
  "meldewesen",
  "pass-ausweis",
  "ordnungsamt",
  "gewerbe",
  "friedhof",
  "abfall",
  "standesamt",
  "steuern",
  "wahlen",
  "kinderbetreuung",
  "bauamt",
  "planung",
  "sitzungsdienst",
  "presse",
  "finanzen",
  "soziales",
] as const;
export type ResponsibilityKey = (typeof RESPONSIBILITY_KEYS)[number];
