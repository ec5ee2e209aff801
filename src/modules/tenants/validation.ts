import type { FieldErrors } from "../../platform/ui/forms.js";
import type { OpeningHours } from "./seed-types.js";

/** Small validators with German messages for the tenants module's forms. */

export const EMAIL_RE = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;
const HOST_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?$/;
const COLOR_RE = /^#[0-9a-fA-F]{6}$/;

export class Form {
  readonly errors: FieldErrors = {};
  constructor(private readonly input: Record<string, unknown>) {}

  text(name: string, label: string, opts: { required?: boolean; max?: number } = {}): string {
    const raw = this.input[name];
    const value = typeof raw === "string" ? raw.replace(/\r\n/g, "\n").trim() : "";
    if (opts.required && !value) this.errors[name] ??= `Bitte geben Sie ${label} an.`;
    if (opts.max && value.length > opts.max) this.errors[name] ??= `${capitalise(label)} darf höchstens ${opts.max.toLocaleString("de-DE")} Zeichen lang sein.`;
    return value;
  }

  email(name: string, label: string, opts: { required?: boolean } = {}): string {
    const value = this.text(name, label, { ...opts, max: 254 });
    if (value && !EMAIL_RE.test(value)) this.errors[name] ??= `Bitte geben Sie ${label} in der Form name@beispiel.de an.`;
    return value;
  }

  postalCode(name: string): string {
    const value = this.text(name, "die Postleitzahl", { required: true });
    if (value && !/^\d{5}$/.test(value)) this.errors[name] ??= "Die Postleitzahl muss aus 5 Ziffern bestehen.";
    return value;
  }

  color(name: string, label: string): string {
    const value = this.text(name, label, { required: true });
    if (value && !COLOR_RE.test(value)) this.errors[name] ??= `Bitte geben Sie ${label} als Farbwert wie #1d4f91 an.`;
    else if (value && contrastWithWhite(value) < 4.5) {
      this.errors[name] ??= `${capitalise(label)} ist zu hell: weiße Schrift darauf hat nur ein Kontrastverhältnis von ${contrastWithWhite(value).toFixed(1).replace(".", ",")}:1, nötig sind mindestens 4,5:1 (WCAG 2.1).`;
    }
    return value.toLowerCase();
  }

  hosts(name: string): string[] {
    const value = this.text(name, "die Domains", { max: 2000 });
    const hosts = value.split(/\s+/).map((h) => h.trim().toLowerCase()).filter(Boolean);
    const bad = hosts.find((h) => !HOST_RE.test(h));
    if (bad) this.errors[name] ??= `„${bad}“ ist kein gültiger Domainname (Beispiel: www.usingen.de).`;
    return [...new Set(hosts)];
  }

  openingHours(name: string, noteName: string): OpeningHours {
    const value = this.text(name, "die Öffnungszeiten", { required: true, max: 2000 });
    const entries: OpeningHours["entries"] = [];
    for (const line of value.split("\n").map((l) => l.trim()).filter(Boolean)) {
      const i = line.indexOf(":");
      // "Montag: 8:00–12:00 Uhr" — the first colon followed by a space separates days from hours.
      const sep = line.search(/:\s/);
      if (sep <= 0 || i < 0) {
        this.errors[name] ??= `Bitte schreiben Sie jede Zeile in der Form „Montag bis Freitag: 8:00–12:00 Uhr“ (Zeile „${line}“).`;
        continue;
      }
      entries.push({ days: line.slice(0, sep).trim(), hours: line.slice(sep + 1).trim() });
    }
    const note = this.text(noteName, "den Hinweis", { max: 500 });
    return note ? { entries, note } : { entries };
  }

  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }
}

export function openingHoursToText(o: OpeningHours): string {
  return o.entries.map((e) => `${e.days}: ${e.hours}`).join("\n");
}

function capitalise(s: string): string {
  const t = s.replace(/^(die|den|das|der|eine|einen|ein) /, "");
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** WCAG 2.1 contrast ratio of white text on the colour. */
export function contrastWithWhite(hex: string): number {
  const n = parseInt(hex.slice(1), 16);
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
  return 1.05 / (l + 0.05);
}
