import { PDFCheckBox, PDFDocument, PDFDropdown, PDFHexString, PDFName, PDFOptionList, PDFRadioGroup, PDFTextField, type PDFDict, type PDFField, type PDFForm } from "pdf-lib";
import { createPdf, GREY, PageFlow, type TextStyle } from "./document.js";
import { winAnsiSafe } from "./text.js";

/**
 * Fillable PDF forms (AcroForm) that people fill in any PDF reader and upload again, and the
 * reader for the values. Every field has a visible label and the same text as tooltip (/TU),
 * which screen readers announce.
 *
 * Field names: our names contain "." ("anschrift.strasse", "kinder[1].vorname"), but in a PDF a
 * "." separates the levels of a field hierarchy, and a partial name must not contain one. So
 * names are escaped reversibly: "%" → "%25", "." → "%2E", "#" → "%23" (see pdfFieldName); a raw
 * "#" then only ever separates a checkbox group's name from the option's index.
 */

export interface FormSpec {
  title: string;
  lang?: string;
  header?: string;
  intro?: string[];
  sections: FormSection[];
  createdAt?: Date;
}

export interface FormSection {
  heading: string;
  note?: string;
  fields: FormFieldSpec[];
}

export interface FormOption {
  value: string;
  label: string;
}

export type FormFieldSpec =
  | { kind: "text"; name: string; label: string; hint?: string; multiline?: boolean; maxLength?: number }
  /** checked → "ja" */
  | { kind: "checkbox"; name: string; label: string; hint?: string }
  /** one checkbox per option, named `${name}#${index}`, its export value the option's value; read back as the values checked */
  | { kind: "checkboxGroup"; name: string; label: string; hint?: string; options: FormOption[] }
  /** radio buttons (up to 6 options) or a dropdown; read back as the option's value */
  | { kind: "choice"; name: string; label: string; hint?: string; options: FormOption[] }
  | { kind: "info"; text: string }
  /** a sub-heading inside a section, e.g. "Kind 2" */
  | { kind: "heading"; text: string };

export type PdfFormErrorCode = "not-pdf" | "encrypted" | "no-form" | "damaged";

const USER_MESSAGES: Record<PdfFormErrorCode, string> = {
  "not-pdf": "Die Datei ist kein PDF-Dokument. Bitte laden Sie das ausgefüllte PDF-Formular hoch.",
  encrypted: "Das PDF-Dokument ist verschlüsselt oder mit einem Kennwort geschützt. Bitte speichern Sie das Formular ohne Kennwortschutz und laden Sie es erneut hoch.",
  "no-form":
    "Das PDF-Dokument enthält keine ausfüllbaren Formularfelder. Bitte laden Sie das Formular hoch, das Sie bei uns heruntergeladen und am Computer ausgefüllt haben – keinen Scan und keinen Ausdruck als PDF („Drucken als PDF“).",
  damaged: "Das PDF-Dokument ist beschädigt und kann nicht gelesen werden. Bitte speichern Sie das ausgefüllte Formular erneut und laden Sie es noch einmal hoch.",
};

export class PdfFormError extends Error {
  /** what the citizen reads */
  readonly userMessage: string;

  constructor(
    readonly code: PdfFormErrorCode,
    options?: ErrorOptions,
  ) {
    super(`PDF form cannot be read: ${code}`, options);
    this.name = "PdfFormError";
    this.userMessage = USER_MESSAGES[code];
  }
}

const escapeName = (name: string) => name.replace(/[%.#]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const unescapeName = (raw: string) => raw.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** The name of our field `name` inside the PDF; with `option`, the checkbox of that option of a checkbox group. */
export function pdfFieldName(name: string, option?: number): string {
  return option === undefined ? escapeName(name) : `${escapeName(name)}#${option}`;
}

const MAX_RADIOS = 6;
const LABEL_SIZE = 10;
const BOX = 12;
const GAP = 10;

class FormWriter {
  constructor(
    private readonly flow: PageFlow,
    private readonly form: PDFForm,
  ) {}

  private get label(): TextStyle {
    return { font: this.flow.fonts.bold, size: LABEL_SIZE };
  }

  private get text(): TextStyle {
    return { font: this.flow.fonts.regular, size: LABEL_SIZE };
  }

  field(spec: FormFieldSpec): void {
    switch (spec.kind) {
      case "info":
        return this.flow.paragraph(spec.text, this.text);
      case "heading":
        return this.flow.heading(spec.text, 11);
      case "text":
        return this.textField(spec);
      case "checkbox":
        if (spec.hint) this.flow.paragraph(spec.hint, { ...this.text, color: GREY });
        this.checkbox(pdfFieldName(spec.name), spec.label, spec.label);
        this.flow.y -= GAP - 4;
        return;
      case "checkboxGroup":
        this.groupLabel(spec.label, spec.hint, spec.options.length);
        spec.options.forEach((o, i) => this.checkbox(pdfFieldName(spec.name, i), o.label, `${spec.label}: ${o.label}`, o.value));
        this.flow.y -= GAP - 4;
        return;
      case "choice":
        return spec.options.length <= MAX_RADIOS ? this.radios(spec) : this.dropdown(spec);
    }
  }

  /** The label above a field (and its hint), kept on one page with the first `fieldHeight` points of the field. */
  private labelAbove(label: string, hint: string | undefined, fieldHeight: number): void {
    const labels = this.flow.wrap(label, this.label);
    const hintStyle = { font: this.flow.fonts.regular, size: 9, color: GREY };
    const hints = hint ? this.flow.wrap(hint, hintStyle) : [];
    this.flow.ensure(labels.length * this.flow.lineHeight(this.label) + hints.length * this.flow.lineHeight(hintStyle) + fieldHeight + 4);
    this.flow.write(labels, this.label);
    this.flow.write(hints, hintStyle);
    this.flow.y -= 3;
  }

  private groupLabel(label: string, hint: string | undefined, options: number): void {
    this.labelAbove(label, hint, Math.min(options, 2) * (BOX + 6));
  }

  private textField(spec: Extract<FormFieldSpec, { kind: "text" }>): void {
    const height = spec.multiline ? 64 : 20;
    this.labelAbove(spec.label, spec.hint, height);
    const field = this.form.createTextField(pdfFieldName(spec.name));
    if (spec.multiline) field.enableMultiline();
    if (spec.maxLength) field.setMaxLength(spec.maxLength);
    // Short values (a postal code) get a short box.
    const width = spec.maxLength && spec.maxLength <= 20 ? Math.max(80, spec.maxLength * 9 + 16) : this.flow.width;
    field.addToPage(this.flow.page, { x: this.flow.left, y: this.flow.y - height, width, height, font: this.flow.fonts.regular, borderColor: GREY });
    field.setFontSize(LABEL_SIZE);
    tooltip(field, spec.label);
    this.flow.y -= height + GAP;
  }

  /** A checkbox with its label to the right; `exportValue` is stored in the field's /Opt. */
  private checkbox(pdfName: string, label: string, tip: string, exportValue?: string): void {
    const lines = this.flow.wrap(label, this.text, this.flow.width - BOX - 8);
    const lh = this.flow.lineHeight(this.text);
    this.flow.ensure(Math.max(BOX, lines.length * lh) + 4);
    const top = this.flow.y;
    const box = this.form.createCheckBox(pdfName);
    box.addToPage(this.flow.page, { x: this.flow.left, y: top - BOX - 1, width: BOX, height: BOX, borderColor: GREY });
    tooltip(box, tip);
    if (exportValue !== undefined) box.acroField.setOpt([PDFHexString.fromText(exportValue)]);
    this.flow.write(lines, this.text, BOX + 8);
    this.flow.y = Math.min(this.flow.y, top - BOX - 2) - 4;
  }

  private radios(spec: Extract<FormFieldSpec, { kind: "choice" }>): void {
    this.groupLabel(spec.label, spec.hint, spec.options.length);
    const group = this.form.createRadioGroup(pdfFieldName(spec.name));
    setTU(group.acroField.dict, spec.label);
    for (const option of spec.options) {
      const lines = this.flow.wrap(option.label, this.text, this.flow.width - BOX - 8);
      this.flow.ensure(Math.max(BOX, lines.length * this.flow.lineHeight(this.text)) + 4);
      const top = this.flow.y;
      // The export value is our value; the label is drawn next to the button.
      group.addOptionToPage(option.value, this.flow.page, { x: this.flow.left, y: top - BOX - 1, width: BOX, height: BOX, borderColor: GREY });
      // Each button gets its own tooltip, so a reader that announces the button says which option it is.
      setTU(group.acroField.getWidgets().at(-1)!.dict, `${spec.label}: ${option.label}`);
      this.flow.write(lines, this.text, BOX + 8);
      this.flow.y = Math.min(this.flow.y, top - BOX - 2) - 4;
    }
    this.flow.y -= GAP - 4;
  }

  private dropdown(spec: Extract<FormFieldSpec, { kind: "choice" }>): void {
    this.labelAbove(spec.label, spec.hint, 20);
    const field = this.form.createDropdown(pdfFieldName(spec.name));
    // Export value = our value, shown = the label; the empty first entry reads back as "no answer".
    const options = [{ value: "", label: "– bitte auswählen –" }, ...spec.options];
    field.acroField.setOptions(options.map((o) => ({ value: PDFHexString.fromText(o.value), display: PDFHexString.fromText(winAnsiSafe(o.label)) })));
    field.addToPage(this.flow.page, { x: this.flow.left, y: this.flow.y - 20, width: this.flow.width, height: 20, font: this.flow.fonts.regular, borderColor: GREY });
    field.setFontSize(LABEL_SIZE);
    tooltip(field, spec.label);
    this.flow.y -= 20 + GAP;
  }
}

const setTU = (dict: PDFDict, text: string) => dict.set(PDFName.of("TU"), PDFHexString.fromText(text));

/**
 * The tooltip (/TU) belongs to the field; pdf-lib writes a field's widget as a separate object,
 * and some readers (pdf.js, Firefox) look only at the widget, so both get it.
 */
function tooltip(field: PDFField, text: string): void {
  setTU(field.acroField.dict, text);
  for (const widget of field.acroField.getWidgets()) setTU(widget.dict, text);
}

export async function buildFillablePdf(spec: FormSpec): Promise<Buffer> {
  const { pdf, fonts } = await createPdf({ title: spec.title, lang: spec.lang, createdAt: spec.createdAt });
  const flow = new PageFlow(pdf, fonts, spec.header);
  const writer = new FormWriter(flow, pdf.getForm());
  const text = { font: fonts.regular, size: LABEL_SIZE };
  flow.heading(spec.title, 16);
  for (const paragraph of spec.intro ?? []) flow.paragraph(paragraph, text);
  for (const section of spec.sections) {
    flow.heading(section.heading, 13);
    if (section.note) flow.paragraph(section.note, { ...text, color: GREY });
    for (const field of section.fields) writer.field(field);
  }
  flow.finish();
  pdf.getForm().updateFieldAppearances(fonts.regular);
  return Buffer.from(await pdf.save({ updateFieldAppearances: false }));
}

/** The value a choice field holds: its export value, also when a filler stored the shown label (pdf-lib does). */
function choiceValue(field: PDFDropdown | PDFOptionList): string | undefined {
  const selected = field.getSelected()[0];
  if (selected === undefined) return undefined;
  const options = field.acroField.getOptions();
  const byValue = options.find((o) => o.value.decodeText() === selected);
  const byLabel = options.find((o) => o.display?.decodeText() === selected);
  return (byValue ?? byLabel)?.value.decodeText() ?? selected;
}

function readFields(fields: PDFField[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const put = (name: string, value: string | undefined) => {
    const v = value?.replace(/\r\n?/g, "\n").trim();
    if (v) out[unescapeName(name)] = v;
  };
  for (const field of fields) {
    const raw = field.getName();
    if (field instanceof PDFTextField) put(raw, field.getText());
    else if (field instanceof PDFRadioGroup) put(raw, field.getSelected());
    else if (field instanceof PDFDropdown || field instanceof PDFOptionList) put(raw, choiceValue(field));
    else if (field instanceof PDFCheckBox && field.isChecked()) {
      const member = /^(.*)#(\d+)$/.exec(raw);
      const exportValue = field.acroField.getExportValues()?.[0]?.decodeText();
      if (!member || exportValue === undefined) put(raw, "ja");
      else {
        const list = out[unescapeName(member[1]!)];
        out[unescapeName(member[1]!)] = Array.isArray(list) ? [...list, exportValue] : [exportValue];
      }
    }
    // Push buttons and signatures carry no answers.
  }
  return out;
}

/**
 * The values of a filled form by our field names: text trimmed (empty ones left out), a
 * checked checkbox as "ja", a choice as the option's value, a checkbox group as the values
 * checked. Throws PdfFormError for anything that is not a readable PDF with a form.
 */
export async function readPdfForm(data: Buffer): Promise<Record<string, string | string[]>> {
  // The header may follow some junk, but must start within the first 1024 bytes.
  if (!data.subarray(0, 1024).includes("%PDF-")) throw new PdfFormError("not-pdf");
  let pdf: PDFDocument;
  let fields: PDFField[];
  try {
    // Encryption is checked below: pdf-lib's own error class does not survive `instanceof` (ES5 build).
    pdf = await PDFDocument.load(data, { updateMetadata: false, ignoreEncryption: true });
    // getForm() would create an empty form; ask the catalog whether there is one.
    fields = !pdf.isEncrypted && pdf.catalog.getAcroForm() ? pdf.getForm().getFields() : [];
  } catch (err) {
    // Encrypted object streams can make parsing fail before the trailer is looked at.
    throw new PdfFormError(data.includes("/Encrypt") ? "encrypted" : "damaged", { cause: err });
  }
  if (pdf.isEncrypted) throw new PdfFormError("encrypted");
  if (fields.length === 0) throw new PdfFormError("no-form");
  try {
    return readFields(fields);
  } catch (err) {
    throw new PdfFormError("damaged", { cause: err });
  }
}
