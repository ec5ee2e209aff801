import { DOMParser } from "@xmldom/xmldom";
import { validateDefinition, type FieldDefinition, type Option, type ServiceDefinition, type StepDefinition } from "./definitions.js";

/**
 * XDatenfelder import (FIM data field schemas → draft service definition).
 *
 * Reads an XDatenfelder 2.0 Stammdatenschema or an XDatenfelder 3.0 Stammdatenschema /
 * Datenfeldgruppe message and produces a draft that validates against our schema. Everything
 * the import cannot translate faithfully (free-text rules, deeper nesting, missing code lists,
 * catalogue content) is reported as a German note for the author.
 */

export interface XdfImportOptions {
  /** genericode documents (XML text) for the code lists the schema references */
  codelists?: string[];
  fileName?: string;
  /** YYYY-MM-DD, provenance.reviewedAt; defaults to the current date */
  today?: string;
  area?: string;
  responsibilityKey?: string;
}

export interface XdfImportResult {
  definition: ServiceDefinition;
  notes: string[];
}

/** Unreadable or unsupported input; the message is German and meant for the author. */
export class XdfImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XdfImportError";
  }
}

const DECLARATION = "Ich versichere, dass meine Angaben richtig und vollständig sind.";
const MAX_CONTENT_STEPS = 11; // the schema allows 12 steps; the last one is "Abschluss"
const FILE_DEFAULTS = { accept: ["application/pdf", "image/jpeg", "image/png"], maxSizeMb: 10, maxFiles: 1 };

// ---------------------------------------------------------------------------------------------
// DOM helpers (namespace-agnostic: XDatenfelder 2 and 3 use different namespaces, same names)

const localName = (n: Node): string => ((n as Element).localName ?? n.nodeName.replace(/^.*:/, ""));

function elementChildren(el: Element, name?: string): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (name === undefined || localName(n) === name)) out.push(n as Element);
  }
  return out;
}

const child = (el: Element, name: string): Element | undefined => elementChildren(el, name)[0];

const clean = (s: string | null | undefined): string => (s ?? "").replace(/\s+/g, " ").trim();

/** Normalised text of a direct child element ("" when absent). */
const textOf = (el: Element, name: string): string => clean(child(el, name)?.textContent);

/** The value of a code element like <feldart><code>input</code></feldart>. */
const codeOf = (el: Element, name: string): string => {
  const c = child(el, name);
  return c ? clean(child(c, "code")?.textContent ?? c.textContent) : "";
};

function descendants(el: Element, name: string): Element[] {
  const out: Element[] = [];
  const walk = (e: Element) => {
    for (const c of elementChildren(e)) {
      if (localName(c) === name) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}

function parseXml(xml: string, what: string): Document {
  const problems: string[] = [];
  const record = (msg: unknown) => problems.push(clean(String(msg)).replace(/^\[xmldom \w+\]\s*/, "").replace(/\s*@#\[line:[^\]]*\]$/, ""));
  let doc: Document | undefined;
  try {
    doc = new DOMParser({ errorHandler: { warning: () => undefined, error: record, fatalError: record } }).parseFromString(xml, "text/xml") as unknown as Document;
  } catch (err) {
    record((err as Error).message);
  }
  if (problems.length || !doc?.documentElement) {
    throw new XdfImportError(`${what} ist kein lesbares XML${problems.length ? `: ${problems[0]}` : "."}`);
  }
  return doc;
}

// ---------------------------------------------------------------------------------------------
// small conversions

/** Lower-case ASCII slug: umlauts transliterated, everything else becomes "-". */
export function slugify(s: string): string {
  return s
    .toLowerCase()
    .replace(/ä/g, "ae")
    .replace(/ö/g, "oe")
    .replace(/ü/g, "ue")
    .replace(/ß/g, "ss")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

interface Cardinality {
  min: number;
  max: number; // Infinity for "n"
  raw: string;
}

function cardinality(raw: string): Cardinality {
  const m = /^(\d+)\s*:\s*(\d+|n|\*)$/i.exec(raw);
  if (!m) return { min: 0, max: 1, raw: raw || "0:1" };
  const min = Number(m[1]);
  const max = /^\d+$/.test(m[2]!) ? Number(m[2]) : Infinity;
  return { min, max: Math.max(max, 1), raw };
}

const toNumber = (v: unknown): number | undefined => {
  if (v === undefined || v === null || v === "") return undefined;
  const n = Number(String(v).trim().replace(",", "."));
  return Number.isFinite(n) ? n : undefined;
};

/** praezisierung: attributes (3.0) or a JSON object as text (2.0). */
function precision(el: Element): Record<string, string> {
  const p = child(el, "praezisierung");
  if (!p) return {};
  const out: Record<string, string> = {};
  for (const name of ["minLength", "maxLength", "minValue", "maxValue", "pattern"]) {
    const v = p.getAttribute(name);
    if (v !== null && v !== "") out[name] = v;
  }
  const text = clean(p.textContent);
  if (text.startsWith("{")) {
    try {
      const json = JSON.parse(text) as Record<string, unknown>;
      for (const [k, v] of Object.entries(json)) if (v !== null && v !== undefined && v !== "" && out[k] === undefined) out[k] = String(v);
    } catch {
      /* not JSON: ignored, reported by the caller */
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// genericode

interface CodeList {
  uris: string[];
  name: string;
  rows: { code: string; label: string }[];
}

function parseGenericode(xml: string, index: number): CodeList {
  const doc = parseXml(xml, `Die Codeliste Nr. ${index + 1}`);
  const root = doc.documentElement!;
  if (localName(root) !== "CodeList") throw new XdfImportError(`Die Codeliste Nr. ${index + 1} ist keine genericode-Codeliste (Wurzelelement ${localName(root)}).`);
  const ident = child(root, "Identification");
  const uris = ident ? [textOf(ident, "CanonicalUri"), textOf(ident, "CanonicalVersionUri")].filter(Boolean) : [];
  const name = ident ? textOf(ident, "LongName") || textOf(ident, "ShortName") : "";
  const columnSet = child(root, "ColumnSet");
  const columns = columnSet ? elementChildren(columnSet, "Column").map((c) => ({ id: c.getAttribute("Id") ?? "", name: textOf(c, "ShortName") })) : [];
  const codeColumn = columns[0]?.id;
  const labelColumn = (columns.slice(1).find((c) => /beschreibung|name/i.test(`${c.id} ${c.name}`)) ?? columns[1])?.id;
  const list = child(root, "SimpleCodeList");
  const rows: CodeList["rows"] = [];
  for (const row of list ? elementChildren(list, "Row") : []) {
    const values = new Map<string, string>();
    let position = 0;
    for (const value of elementChildren(row, "Value")) {
      const ref = value.getAttribute("ColumnRef");
      if (ref) position = Math.max(columns.findIndex((c) => c.id === ref), 0);
      const key = ref || columns[position]?.id || String(position);
      values.set(key, clean(child(value, "SimpleValue")?.textContent));
      position++;
    }
    const code = (codeColumn ? values.get(codeColumn) : [...values.values()][0]) ?? "";
    if (!code) continue;
    const label = (labelColumn ? values.get(labelColumn) : undefined) || code;
    rows.push({ code, label });
  }
  return { uris, name, rows };
}

// ---------------------------------------------------------------------------------------------
// the import

export function importXdf(xml: string, opts: XdfImportOptions = {}): XdfImportResult {
  const doc = parseXml(xml, opts.fileName ? `Die Datei ${opts.fileName}` : "Die Eingabe");
  const root = doc.documentElement!;
  const rootName = localName(root);
  const ns = root.namespaceURI ?? "";
  if (!/^xdatenfelder\.(stammdatenschema|datenfeldgruppe)\./.test(rootName) || !/xdatenfelder/i.test(ns)) {
    throw new XdfImportError(`Nicht unterstützt: ${rootName} ist keine XDatenfelder-Nachricht (erwartet: Stammdatenschema 2.0/3.0 oder Datenfeldgruppe 3.0).`);
  }
  const isGroupMessage = rootName.startsWith("xdatenfelder.datenfeldgruppe.");
  const schema = child(root, isGroupMessage ? "datenfeldgruppe" : "stammdatenschema");
  if (!schema) throw new XdfImportError(`Die Nachricht ${rootName} enthält kein Element ${isGroupMessage ? "datenfeldgruppe" : "stammdatenschema"}.`);
  const xdfVersion = /xdatenfelder_3/.test(ns) ? "3.0" : "2.0";

  const notes: string[] = [];
  const codeLists = (opts.codelists ?? []).map((c, i) => parseGenericode(c, i));
  const usedCodeLists = new Set<CodeList>();
  const fieldIds = new Set<string>();
  const stepIds = new Set<string>(["abschluss"]);
  const rules = new Map<string, { el: Element; concerns: string[] }>();

  const ident = child(schema, "identifikation");
  const schemaId = ident ? textOf(ident, "id") : "";
  const schemaVersion = ident ? textOf(ident, "version") : "";
  const schemaName = textOf(schema, "name") || textOf(schema, "bezeichnungEingabe") || schemaId || "XDatenfelder-Entwurf";
  const schemaLabel = textOf(schema, "bezeichnungEingabe") || schemaName;
  const kind = isGroupMessage ? "FIM-Datenfeldgruppe" : "FIM-Stammdatenschema";
  const schemaRef = `${kind} ${schemaId || "(ohne Kennung)"}${schemaVersion ? ` Version ${schemaVersion}` : ""}`;

  const uniqueFieldId = (fimId: string, fallback: string): string => {
    let base = fimId.toLowerCase().replace(/[^a-z0-9]/g, "");
    if (!/^[a-z]/.test(base)) base = `${fallback}${base}`;
    let id = base;
    for (let i = 2; fieldIds.has(id); i++) id = `${base}x${i}`;
    fieldIds.add(id);
    return id;
  };
  const uniqueStepId = (base: string): string => {
    let b = slugify(base);
    if (!/^[a-z]/.test(b)) b = `schritt-${b}`.replace(/-$/, "");
    let id = b;
    for (let i = 2; stepIds.has(id); i++) id = `${b}-${i}`;
    stepIds.add(id);
    return id;
  };
  const labelOf = (el: Element, fallback: string): string => {
    const l = textOf(el, "bezeichnungEingabe") || textOf(el, "name");
    return l.length >= 2 ? l : fallback;
  };
  const fimIdOf = (el: Element): string => {
    const i = child(el, "identifikation");
    return i ? textOf(i, "id") : "";
  };
  const collectRules = (el: Element, concerns: string) => {
    for (const r of elementChildren(el, "regel")) {
      const key = fimIdOf(r) || `regel-${rules.size + 1}`;
      const entry = rules.get(key) ?? { el: r, concerns: [] };
      if (!entry.concerns.includes(concerns)) entry.concerns.push(concerns);
      rules.set(key, entry);
    }
  };

  /** The (cardinality, element) pairs of an element's struktur children. */
  const contents = (el: Element): { card: Cardinality; el: Element }[] =>
    elementChildren(el, "struktur").flatMap((s) => {
      const enthaelt = child(s, "enthaelt");
      const inner = enthaelt ? elementChildren(enthaelt).find((e) => localName(e) === "datenfeld" || localName(e) === "datenfeldgruppe") : undefined;
      return inner ? [{ card: cardinality(textOf(s, "anzahl")), el: inner }] : [];
    });

  const optionsFor = (el: Element, fieldId: string, label: string): { options: Option[]; placeholder: boolean } => {
    const ref = child(el, "codelisteReferenz");
    const candidates = ref
      ? [...descendants(ref, "canonicalIdentification"), ...descendants(ref, "canonicalVersionUri")].map((e) => clean(e.textContent)).filter(Boolean)
      : [];
    const refId = ref ? clean(descendants(ref, "id")[0]?.textContent) : "";
    const uri = candidates[0] || refId || "";
    const list = codeLists.find((l) => l.uris.some((u) => candidates.includes(u)));
    if (!list || list.rows.length === 0) {
      notes.push(
        uri
          ? `Feld ${fieldId} „${label}“: Codeliste ${uri} wurde nicht mitgegeben (--codelist); es gibt nur einen Platzhalter-Wert „todo“.`
          : `Feld ${fieldId} „${label}“: Auswahlfeld ohne Codelisten-Referenz; es gibt nur einen Platzhalter-Wert „todo“.`,
      );
      return { options: [{ value: "todo", label: `TODO: Codeliste ${uri || "(unbekannt)"} ergänzen` }], placeholder: true };
    }
    usedCodeLists.add(list);
    const seen = new Set<string>();
    const renamed: string[] = [];
    const options = list.rows.map((row, i) => {
      let base = slugify(row.code) || `wert-${i + 1}`;
      let value = base;
      for (let n = 2; seen.has(value); n++) value = `${base}-${n}`;
      seen.add(value);
      if (value !== row.code) renamed.push(`„${row.code}“ → ${value}`);
      return { value, label: row.label };
    });
    if (renamed.length) notes.push(`Feld ${fieldId} „${label}“: Codes der Codeliste ${list.uris[0]} für unsere Werte umgeschrieben (Original → Wert): ${renamed.join(", ")}.`);
    return { options, placeholder: false };
  };

  const convertField = (el: Element, card: Cardinality, optional: boolean): FieldDefinition | undefined => {
    const fimId = fimIdOf(el);
    const id = uniqueFieldId(fimId, "f");
    const label = labelOf(el, `Feld ${fimId || id}`);
    collectRules(el, `Feld ${id} „${label}“`);
    const feldart = codeOf(el, "feldart") || "input";
    const datentyp = codeOf(el, "datentyp") || "text";
    const hint = textOf(el, "hilfetextEingabe");
    const p = precision(el);
    const field: FieldDefinition = { id, type: "text", label };
    if (hint) field.hint = hint;
    if (card.max > 1) notes.push(`Feld ${id} „${label}“ darf laut Schema mehrfach vorkommen (${card.raw}); der Entwurf fragt es einmal ab.`);

    if (feldart === "label" || feldart === "locked") {
      field.type = "info";
      field.text = textOf(el, "inhalt") || textOf(el, "beschreibung") || label;
      delete field.hint;
      if (feldart === "locked") notes.push(`Feld ${id} „${label}“ ist ein gesperrtes Feld (locked) und wird als Informationstext gezeigt.`);
      return field;
    }
    if (feldart === "hidden") {
      notes.push(`Feld ${id} „${label}“ ist verborgen (hidden) und wurde nicht übernommen.`);
      fieldIds.delete(id);
      return undefined;
    }
    if (feldart === "select") {
      const { options, placeholder } = optionsFor(el, id, label);
      field.type = !placeholder && options.length <= 5 ? "radio" : "select";
      field.options = options;
    } else {
      if (feldart !== "input") notes.push(`Feld ${id} „${label}“: Feldart „${feldart}“ ist unbekannt und wird als Texteingabe übernommen.`);
      const validation: Record<string, unknown> = {};
      const min = toNumber(p.minValue);
      const max = toNumber(p.maxValue);
      switch (datentyp) {
        case "date":
        case "datetime":
          field.type = "date";
          if (datentyp === "datetime") notes.push(`Feld ${id} „${label}“: Datum mit Uhrzeit wird als Datum abgefragt.`);
          if (p.minValue && /^\d{4}-\d{2}-\d{2}$/.test(p.minValue)) validation.minDate = p.minValue;
          if (p.maxValue && /^\d{4}-\d{2}-\d{2}$/.test(p.maxValue)) validation.maxDate = p.maxValue;
          break;
        case "bool":
          field.type = "yesno";
          break;
        case "num":
        case "num_int":
        case "num_currency":
          field.type = "number";
          if (datentyp === "num_int") validation.integer = true;
          if (datentyp === "num_currency") notes.push(`Feld ${id} „${label}“: Betrag in Euro (Währungsfeld als Zahl übernommen).`);
          if (min !== undefined) validation.min = min;
          if (max !== undefined) validation.max = max;
          break;
        case "file":
        case "obj":
          field.type = "file";
          field.file = { ...FILE_DEFAULTS, accept: [...FILE_DEFAULTS.accept] };
          break;
        default: {
          if (datentyp !== "text" && datentyp !== "text_latin") notes.push(`Feld ${id} „${label}“: Datentyp „${datentyp}“ wird als Text übernommen.`);
          const minLength = toNumber(p.minLength);
          const maxLength = toNumber(p.maxLength);
          if (minLength !== undefined && Number.isInteger(minLength) && minLength > 0) validation.minLength = minLength;
          if (maxLength !== undefined && Number.isInteger(maxLength) && maxLength >= 1) validation.maxLength = maxLength;
          if (maxLength !== undefined && maxLength > 200) field.type = "textarea";
          if (p.pattern) {
            try {
              new RegExp(`^(?:${p.pattern})$`, "u");
              validation.pattern = p.pattern;
              notes.push(`Feld ${id} „${label}“: Muster ${p.pattern} übernommen; bitte eine verständliche Fehlermeldung (patternMessage) ergänzen.`);
            } catch {
              notes.push(`Feld ${id} „${label}“: Das Muster ${p.pattern} ist kein gültiger regulärer Ausdruck in JavaScript und wurde nicht übernommen.`);
            }
          }
        }
      }
      if (Object.keys(validation).length) field.validation = validation;
    }
    if (card.min >= 1 && !optional) field.required = true;
    return field;
  };

  /** A nested group becomes one of our group fields; deeper levels are flattened into it. */
  const convertGroup = (el: Element, card: Cardinality, optional: boolean): FieldDefinition | undefined => {
    const fimId = fimIdOf(el);
    const id = uniqueFieldId(fimId, "g");
    const label = labelOf(el, `Gruppe ${fimId || id}`);
    collectRules(el, `Gruppe ${id} „${label}“`);
    const repeats = card.max > 1;
    const innerOptional = optional || (!repeats && card.min === 0);
    if (!repeats && card.min === 0 && !optional) notes.push(`Gruppe ${id} „${label}“ ist optional (${card.raw}); ihre Pflichtfelder sind im Entwurf nicht als Pflicht markiert.`);
    const fields: FieldDefinition[] = [];
    const flatten = (parent: Element, parentOptional: boolean) => {
      for (const c of contents(parent)) {
        if (localName(c.el) === "datenfeld") {
          const f = convertField(c.el, c.card, parentOptional);
          if (f) fields.push(f);
        } else {
          const inner = labelOf(c.el, fimIdOf(c.el));
          collectRules(c.el, `Gruppe ${fimIdOf(c.el)} „${inner}“`);
          notes.push(`Gruppe ${fimIdOf(c.el)} „${inner}“ (${c.card.raw}) liegt tiefer als unsere Gruppen verschachtelt werden können; ihre Felder stehen direkt in der Gruppe ${id} „${label}“${c.card.max > 1 ? " und werden nicht wiederholt" : ""}.`);
          flatten(c.el, parentOptional || (c.card.min === 0 && c.card.max <= 1));
        }
      }
    };
    flatten(el, innerOptional);
    if (fields.length === 0) {
      notes.push(`Gruppe ${id} „${label}“ enthält keine Datenfelder und wurde ausgelassen.`);
      fieldIds.delete(id);
      return undefined;
    }
    const group: FieldDefinition = { id, type: "group", label, fields };
    const hint = textOf(el, "hilfetextEingabe");
    if (hint) group.hint = hint;
    if (repeats) {
      const max = card.max === Infinity ? 10 : Math.min(card.max, 50);
      group.repeat = { min: Math.min(card.min, max), max, itemLabel: label };
    }
    return group;
  };

  // -- steps: top-level groups → steps, top-level fields → one step "Angaben"
  collectRules(schema, `${isGroupMessage ? "Datenfeldgruppe" : "Schema"} ${schemaId} (gesamt)`);
  const top = contents(schema);
  const topGroups = top.filter((c) => localName(c.el) === "datenfeldgruppe");
  const steps: StepDefinition[] = [];
  let angaben: StepDefinition | undefined;
  let overflow: StepDefinition | undefined;
  let groupIndex = 0;
  const budget = MAX_CONTENT_STEPS - (top.length > topGroups.length ? 1 : 0);
  const groupSteps = topGroups.length > budget ? budget - 1 : budget;
  for (const c of top) {
    if (localName(c.el) === "datenfeld") {
      const f = convertField(c.el, c.card, false);
      if (!f) continue;
      if (!angaben) {
        angaben = { id: uniqueStepId("angaben"), title: "Angaben", fields: [] };
        steps.push(angaben);
      }
      angaben.fields.push(f);
      continue;
    }
    groupIndex++;
    const asStep = groupIndex <= groupSteps;
    if (!asStep) {
      const g = convertGroup(c.el, c.card, false);
      if (!g) continue;
      if (!overflow) {
        overflow = { id: uniqueStepId("weitere-angaben"), title: "Weitere Angaben", fields: [] };
        steps.push(overflow);
        notes.push(`Das Schema hat mehr Gruppen der obersten Ebene, als ein Antrag Schritte haben kann; die übrigen stehen im Schritt „Weitere Angaben“.`);
      }
      overflow.fields.push(g);
      continue;
    }
    const fimId = fimIdOf(c.el);
    const title = labelOf(c.el, `Abschnitt ${fimId}`);
    collectRules(c.el, `Schritt ${fimId} „${title}“`);
    const step: StepDefinition = { id: uniqueStepId(fimId || title), title: title.length >= 3 ? title : `Abschnitt ${title}`, fields: [] };
    const hint = textOf(c.el, "hilfetextEingabe");
    if (hint) step.intro = hint;
    if (c.card.max > 1) {
      // a repeatable top-level group: the step holds the group once, repeatable
      const g = convertGroup(c.el, c.card, false);
      if (g) {
        delete g.hint;
        step.fields.push(g);
      }
    } else {
      const optional = c.card.min === 0;
      if (optional) notes.push(`Gruppe ${fimId} „${title}“ ist optional (${c.card.raw}); ihre Pflichtfelder sind im Entwurf nicht als Pflicht markiert.`);
      for (const inner of contents(c.el)) {
        const f = localName(inner.el) === "datenfeld" ? convertField(inner.el, inner.card, optional) : convertGroup(inner.el, inner.card, optional);
        if (f) step.fields.push(f);
      }
    }
    if (step.fields.length === 0) {
      notes.push(`Gruppe ${fimId} „${title}“ enthält keine Datenfelder; es wurde kein Schritt angelegt.`);
      stepIds.delete(step.id);
      continue;
    }
    steps.push(step);
  }
  if (steps.length === 0) notes.push(`Das ${kind.replace("FIM-", "")} enthält keine Datenfelder; der Entwurf hat nur den Schritt „Abschluss“.`);
  steps.push({
    id: "abschluss",
    title: "Abschluss",
    fields: [{ id: "erklaerung", type: "declaration", label: "Erklärung", text: DECLARATION, required: true }],
  });

  // -- rules → notes
  for (const [ruleId, { el, concerns }] of rules) {
    const name = textOf(el, "bezeichnungEingabe") || textOf(el, "name");
    const texts = [textOf(el, "freitextRegel"), textOf(el, "beschreibung"), textOf(el, "definition")].filter((t, i, all) => t && all.indexOf(t) === i);
    const script = textOf(el, "script") || textOf(el, "skript");
    notes.push(
      `Regel ${ruleId}${name ? ` „${name}“` : ""} (betrifft ${concerns.join(", ")}): ${texts.length ? texts.join(" – ") : "ohne Freitext"}${script ? " [Skript nicht übernommen]" : ""}. Bitte als JSON-Logic-Regel (visibleIf/required) nachbilden.`,
    );
  }
  for (const l of codeLists) if (!usedCodeLists.has(l)) notes.push(`Codeliste ${l.uris[0] ?? l.name ?? "(ohne Kennung)"} wird von keinem Feld des Schemas verwendet.`);

  // -- catalogue placeholders
  const bezug = child(schema, "bezug");
  const bezugText = clean(bezug?.textContent);
  const bezugLink = bezug?.getAttribute("link") ?? "";
  const legalBasis: ServiceDefinition["legalBasis"] = [bezugText ? { label: bezugText, ...(/^https:\/\//.test(bezugLink) ? { url: bezugLink } : {}) } : { label: "TODO: Rechtsgrundlage ergänzen" }];
  const beschreibung = textOf(schema, "beschreibung");
  const slug = slugify(schemaName).slice(0, 51).replace(/-+$/, "") || "xdf";
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  const title = (schemaLabel.length >= 3 ? schemaLabel : `Entwurf ${schemaLabel}`).slice(0, 120);

  const definition: ServiceDefinition = {
    id: `${/^[a-z0-9]/.test(slug) ? slug : "xdf"}-entwurf`,
    version: 1,
    title,
    leikaKey: "00000000000000",
    area: opts.area ?? "soziales",
    responsibilityKey: opts.responsibilityKey ?? "soziales",
    summary: `TODO: Entwurf aus dem ${schemaRef}: Kurzbeschreibung der Leistung ergänzen.`.slice(0, 300),
    description: `TODO: Entwurf aus dem ${schemaRef}: Beschreibung der Leistung ergänzen.${beschreibung ? `\n\nBeschreibung im FIM-Schema: ${beschreibung}` : ""}`,
    eligibility: "TODO: Angeben, wer den Antrag stellen darf.",
    requiredDocuments: [],
    fees: [],
    processingTime: "TODO: ergänzen",
    legalBasis,
    trustLevel: "basic",
    fullyDigital: true,
    provenance: {
      source: `Entwurf aus XDatenfelder ${schemaId || "(ohne Kennung)"} Version ${schemaVersion || "?"}${opts.fileName ? ` (${opts.fileName})` : ""}; Katalogangaben, Gebühren und Rechtsgrundlage sind vor der Freigabe zu ergänzen`,
      reviewedAt: today,
    },
    steps,
  };
  notes.unshift(`${kind} ${schemaId} (XDatenfelder ${xdfVersion}) eingelesen: ${steps.length} ${steps.length === 1 ? "Schritt" : "Schritte"}. LeiKa-Schlüssel, Beschreibung, Gebühren und Rechtsgrundlage sind Platzhalter.`);

  const problems = validateDefinition(definition);
  if (problems.length) {
    throw new Error(`Der Entwurf aus ${opts.fileName ?? schemaRef} ist keine gültige Leistungsdefinition:\n  - ${problems.join("\n  - ")}`);
  }
  return { definition, notes };
}
