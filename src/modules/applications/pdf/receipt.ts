import { berlinDateTime, formatDate } from "../../../platform/clock.js";
import { renderTextDocument, type Block } from "../../../platform/pdf/document.js";

/**
 * The receipt ("Eingangsbestätigung") a citizen gets after submitting: what was received, when,
 * under which reference number, with every answer (rows from the engine's summarise()).
 */

export interface ReceiptInput {
  /** the full name, e.g. "Stadt Usingen" (the text says "bei der Stadt Usingen") */
  municipality: string;
  serviceTitle: string;
  reference: string;
  submittedAt: Date;
  definitionVersion: number;
  sections: { title: string; rows: { label: string; value: string }[] }[];
  files: { name: string; size: number }[];
  statusUrl?: string;
  department?: { name: string; contact?: string };
}

/** "830 Byte", "12,5 KB", "1,2 MB" */
export function formatFileSize(bytes: number): string {
  const number = (n: number) => n.toLocaleString("de-DE", { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${bytes} Byte`;
  if (bytes < 1024 * 1024) return `${number(bytes / 1024)} KB`;
  return `${number(bytes / (1024 * 1024))} MB`;
}

export function receiptPdf(input: ReceiptInput): Promise<Buffer> {
  const date = formatDate(input.submittedAt);
  const { hour, minute } = berlinDateTime(input.submittedAt);
  const time = `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
  const blocks: Block[] = [
    { kind: "heading", text: "Eingangsbestätigung" },
    { kind: "paragraph", text: `Ihr Antrag „${input.serviceTitle}“ ist am ${date} um ${time} Uhr bei der ${input.municipality} eingegangen. Bitte geben Sie bei Rückfragen die Vorgangsnummer an.` },
    {
      kind: "rows",
      rows: [
        { label: "Vorgangsnummer", value: input.reference },
        { label: "Eingegangen am", value: `${date}, ${time} Uhr` },
        { label: "Formularversion", value: String(input.definitionVersion) },
        ...(input.department ? [{ label: "Zuständig", value: [input.department.name, input.department.contact].filter(Boolean).join("\n") }] : []),
      ],
    },
  ];
  for (const section of input.sections) {
    if (section.rows.length) blocks.push({ kind: "heading", text: section.title, level: 2 }, { kind: "rows", rows: section.rows });
  }
  if (input.files.length) {
    blocks.push({ kind: "heading", text: "Beigefügte Dateien", level: 2 }, { kind: "rows", rows: input.files.map((f) => ({ label: f.name, value: formatFileSize(f.size) })) });
  }
  blocks.push({ kind: "spacer" });
  if (input.statusUrl) blocks.push({ kind: "paragraph", text: `Den Stand der Bearbeitung können Sie jederzeit hier nachsehen: ${input.statusUrl}` });
  blocks.push({ kind: "paragraph", text: "Diese Eingangsbestätigung wurde automatisch erstellt und trägt deshalb keine Unterschrift. Sie bestätigt den Eingang Ihres Antrags, nicht seine Bewilligung." });
  return renderTextDocument({
    title: `Eingangsbestätigung ${input.serviceTitle} – ${input.reference}`,
    subject: input.serviceTitle,
    author: input.municipality,
    header: input.municipality,
    createdAt: input.submittedAt,
    blocks,
  });
}
