import type { Writable } from "node:stream";
import { berlinDateTime, formatDateTime } from "../../../platform/clock.js";
import { COLUMN_LABELS, LATE_LABEL, germanDate, statementNotes, summaryLine, verdictLabel } from "./format.js";
import { runExport } from "./sink.js";
import type { WeighingRow, WeighingTable } from "./types.js";
import { ZipWriter } from "./zip.js";

/**
 * The Abwägungstabelle as an OpenDocument text (ODT) for editing in LibreOffice or Word: A4
 * landscape, a table whose header row repeats on every page, "Seite X von Y" in the footer.
 * content.xml is deflated into the zip row by row as the rows arrive.
 */
export async function writeWeighingOdt(table: WeighingTable, out: Writable): Promise<void> {
  await runExport(out, async (sink) => {
    const zip = new ZipWriter(sink, berlinDateTime(table.generatedAt));
    await zip.stored("mimetype", Buffer.from(MIME_TYPE, "ascii"));
    await zip.deflated("META-INF/manifest.xml", (write) => write(MANIFEST));
    await zip.deflated("meta.xml", (write) => write(metaXml(table)));
    await zip.deflated("styles.xml", (write) => write(STYLES));
    await zip.deflated("content.xml", async (write) => {
      await write(contentStart(table));
      for await (const row of table.rows) await write(rowXml(row));
      await write(CONTENT_END);
    });
    await zip.finish();
  });
}

const MIME_TYPE = "application/vnd.oasis.opendocument.text";
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = {
  office: "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
  style: "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
  text: "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
  table: "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
  fo: "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
  svg: "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
  meta: "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
  dc: "http://purl.org/dc/elements/1.1/",
};
const xmlns = (...names: (keyof typeof NS)[]) => names.map((n) => `xmlns:${n}="${NS[n]}"`).join(" ");

const MANIFEST = `${XML_DECLARATION}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="${MIME_TYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
`;

function metaXml(table: WeighingTable): string {
  const created = table.generatedAt.toISOString().replace(/\.\d{3}Z$/, "Z");
  return `${XML_DECLARATION}<office:document-meta ${xmlns("office", "meta", "dc")} office:version="1.2"><office:meta>
<meta:generator>Digitales Rathaus</meta:generator>
<dc:title>${escapeXml(table.title)}</dc:title>
<dc:subject>${escapeXml(table.subtitle)}</dc:subject>
<dc:language>de-DE</dc:language>
<meta:initial-creator>${escapeXml(table.municipality)}</meta:initial-creator>
<meta:creation-date>${created}</meta:creation-date>
<dc:date>${created}</dc:date>
</office:meta></office:document-meta>
`;
}

const STYLES = `${XML_DECLARATION}<office:document-styles ${xmlns("office", "style", "text", "table", "fo", "svg")} office:version="1.2">
<office:font-face-decls><style:font-face style:name="Liberation Sans" svg:font-family="'Liberation Sans'" style:font-family-generic="swiss" style:font-pitch="variable"/></office:font-face-decls>
<office:styles>
 <style:default-style style:family="paragraph"><style:text-properties style:font-name="Liberation Sans" fo:font-size="9pt" fo:language="de" fo:country="DE" fo:hyphenate="false"/></style:default-style>
 <style:style style:name="Standard" style:family="paragraph" style:class="text"/>
 <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="1" style:class="text"><style:paragraph-properties fo:margin-bottom="0.2cm" fo:keep-with-next="always"/><style:text-properties fo:font-size="15pt" fo:font-weight="bold"/></style:style>
 <style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Standard" style:class="chapter"><style:text-properties fo:font-size="10pt"/></style:style>
 <style:style style:name="Summary" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-top="0.15cm" fo:margin-bottom="0.3cm"/></style:style>
 <style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"/>
 <style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" style:parent-style-name="Table_20_Contents" style:class="extra"><style:text-properties fo:font-weight="bold"/></style:style>
 <style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard" style:class="extra"><style:paragraph-properties fo:text-align="end"/><style:text-properties fo:font-size="8pt"/></style:style>
 <style:style style:name="Strong_20_Emphasis" style:display-name="Strong Emphasis" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
</office:styles>
<office:automatic-styles>
 <style:page-layout style:name="Landscape"><style:page-layout-properties fo:page-width="29.7cm" fo:page-height="21cm" style:print-orientation="landscape" fo:margin-top="1.3cm" fo:margin-bottom="1cm" fo:margin-left="1.3cm" fo:margin-right="1.3cm"/><style:footer-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-top="0.3cm"/></style:footer-style></style:page-layout>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="Landscape"><style:footer><text:p text:style-name="Footer">Seite <text:page-number text:select-page="current">1</text:page-number> von <text:page-count>1</text:page-count></text:p></style:footer></style:master-page>
</office:master-styles>
</office:document-styles>
`;

/** Column widths in cm; together the page width less the margins (29.7 − 2 × 1.3). */
const COLUMN_CM = [1.1, 4.2, 10.2, 8.3, 3.3];

function contentStart(table: WeighingTable): string {
  const columnStyles = COLUMN_CM.map((cm, i) => `<style:style style:name="Tabelle.${i + 1}" style:family="table-column"><style:table-column-properties style:column-width="${cm}cm"/></style:style>`).join("\n ");
  const columns = COLUMN_CM.map((_, i) => `<table:table-column table:style-name="Tabelle.${i + 1}"/>`).join("");
  const head = COLUMN_LABELS.map((label) => `<table:table-cell table:style-name="Kopfzelle" office:value-type="string"><text:p text:style-name="Table_20_Heading">${escapeXml(label)}</text:p></table:table-cell>`).join("");
  return `${XML_DECLARATION}<office:document-content ${xmlns("office", "style", "text", "table", "fo")} office:version="1.2">
<office:automatic-styles>
 <style:style style:name="Tabelle" style:family="table"><style:table-properties style:width="${COLUMN_CM.reduce((a, b) => a + b, 0).toFixed(1)}cm" table:align="margins"/></style:style>
 ${columnStyles}
 <style:style style:name="Zeile" style:family="table-row"><style:table-row-properties fo:keep-together="auto"/></style:style>
 <style:style style:name="Zelle" style:family="table-cell"><style:table-cell-properties fo:padding="0.1cm" fo:border="0.5pt solid #808080" style:vertical-align="top"/></style:style>
 <style:style style:name="Kopfzelle" style:family="table-cell"><style:table-cell-properties fo:padding="0.1cm" fo:border="0.5pt solid #808080" fo:background-color="#e6e6e6"/></style:style>
</office:automatic-styles>
<office:body><office:text>
<text:h text:style-name="Heading_20_1" text:outline-level="1">${odfText(table.title)}</text:h>
<text:p text:style-name="Subtitle">${odfText(table.subtitle)}</text:p>
<text:p text:style-name="Standard">${odfText(`${table.municipality} · Stand: ${formatDateTime(table.generatedAt)}`)}</text:p>
<text:p text:style-name="Summary">${odfText(summaryLine(table.summary))}</text:p>
<table:table table:name="Abwägungstabelle" table:style-name="Tabelle">${columns}
<table:table-header-rows><table:table-row>${head}</table:table-row></table:table-header-rows>
`;
}

const CONTENT_END = `</table:table>
</office:text></office:body></office:document-content>
`;

function rowXml(row: WeighingRow): string {
  const strong = (text: string) => `<text:span text:style-name="Strong_20_Emphasis">${odfText(text)}</text:span>`;
  const eingang = [strong(row.reference), odfText(germanDate(row.receivedOn)), ...(row.late ? [strong(LATE_LABEL)] : []), odfText(row.submitter), odfText(row.submitterKind)];
  const statement = [...statementNotes(row).map(strong), ...paragraphs(row.statement)];
  const cells = [[odfText(String(row.position))], eingang, statement, paragraphs(row.response), [odfText(verdictLabel(row.verdict))]];
  return `<table:table-row table:style-name="Zeile">${cells.map(cell).join("")}</table:table-row>\n`;
}

/** A cell of paragraphs that are already ODF markup. */
const cell = (markup: string[]) =>
  `<table:table-cell table:style-name="Zelle" office:value-type="string">${markup.map((p) => `<text:p text:style-name="Table_20_Contents">${p}</text:p>`).join("")}</table:table-cell>`;

/** Plain text with line breaks → one paragraph per line (empty lines stay as empty paragraphs). */
const paragraphs = (text: string): string[] => text.split(/\r\n|\r|\n/).map(odfText);

/** Characters XML 1.0 does not allow at all (controls, lone surrogates, U+FFFE/U+FFFF). */
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(text: string): string {
  return text.replace(NOT_XML, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Text for inside a text:p: escaped, with tabs and runs of spaces kept (ODF collapses white space). */
function odfText(text: string): string {
  return escapeXml(text)
    .replace(/\t/g, "<text:tab/>")
    .replace(/ {2,}/g, (run) => ` <text:s text:c="${run.length - 1}"/>`)
    .replace(/^ /, "<text:s/>")
    .replace(/[\r\n]+/g, " ");
}
