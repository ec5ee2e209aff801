import { SaxesParser, type SaxesTagNS } from "saxes";
import { sniffType, SNIFF_BYTES } from "../../../platform/storage/sniff.js";
import { errorAt, XPlanError } from "./errors.js";

/**
 * Reading an uploaded XPlanGML file into a small tree. The parser (saxes) is strict XML 1.0 and
 * streams: only the plan and Bereich features and the root's boundedBy are kept, so the
 * thousands of Planinhalte of a large plan never become objects. It resolves no entities
 * beyond the five predefined ones and reads no DTD, so no file or URL is ever fetched.
 */

export interface XNode {
  /** namespace URI ("" for none) */
  ns: string;
  local: string;
  /** the qualified name as written, e.g. "xplan:BP_Plan" */
  name: string;
  /** attributes by local name: "srsName", "id" (gml:id), "href" (xlink:href) … */
  attrs: Record<string, string>;
  children: XNode[];
  /** the element's own text (CDATA included), not its descendants' */
  text: string;
  /** where the start tag begins (1-based) */
  line: number;
  column: number;
  /** the line on which the element's content begins (after the start tag's ">"), to place values of long lists */
  textLine: number;
}

export interface XmlContent {
  root: XNode;
  /** the captured elements in document order, each with its whole subtree */
  captured: XNode[];
}

/** Whether an element (not inside an already captured one) is kept with its subtree. */
export type Capture = (el: { ns: string; local: string }, depth: number) => boolean;

// ---------------------------------------------------------------------------------------------
// bytes to text

const BOMS: { bytes: number[]; encoding: string }[] = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: "utf-8" },
  { bytes: [0xff, 0xfe], encoding: "utf-16le" },
  { bytes: [0xfe, 0xff], encoding: "utf-16be" },
];

const SUPPORTED_ENCODINGS: Record<string, string> = {
  "utf-8": "utf-8",
  utf8: "utf-8",
  "iso-8859-1": "latin1",
  latin1: "latin1",
  "iso-8859-15": "iso-8859-15",
  "windows-1252": "windows-1252",
  cp1252: "windows-1252",
  "utf-16": "utf-16le",
  "utf-16le": "utf-16le",
  "utf-16be": "utf-16be",
};

const lineAt = (text: string, index: number): number => {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
};

/** What the upload is, when it is plainly no XML: a PDF, an image, a ZIP archive, other binary data. */
function refuseNonXml(head: Buffer): void {
  const sniffed = sniffType(head);
  if (sniffed) throw new XPlanError(`Die Datei ist ein ${sniffed.label}, keine XPlanGML-Datei. Bitte laden Sie die GML-Datei des Plans hoch.`);
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    throw new XPlanError(
      "Die Datei ist ein ZIP-Archiv (z. B. ein XPlanArchiv). Bitte entpacken Sie es und laden Sie die darin enthaltene GML-Datei (meist xplan.gml) hoch.",
    );
  }
}

/** The text of an uploaded file, decoded by its byte-order mark or XML declaration. */
export function fileText(input: Buffer | string): string {
  if (typeof input === "string") return input.replace(/^\uFEFF/, "");
  if (input.length === 0) throw new XPlanError("Die Datei ist leer.");
  const head = input.subarray(0, SNIFF_BYTES);
  refuseNonXml(head);
  let encoding = BOMS.find((b) => b.bytes.every((byte, i) => head[i] === byte))?.encoding;
  let body = encoding ? input.subarray(encoding === "utf-8" ? 3 : 2) : input;
  if (!encoding && head[0] === 0x3c && head[1] === 0x00) encoding = "utf-16le";
  if (!encoding && head[0] === 0x00 && head[1] === 0x3c) encoding = "utf-16be";
  if (!encoding) {
    const declared = /^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head.toString("latin1"))?.[1];
    if (declared && !SUPPORTED_ENCODINGS[declared.toLowerCase()]) {
      throw new XPlanError(`Die Zeichenkodierung „${declared}“ wird nicht unterstützt. Bitte speichern Sie die Datei in UTF-8.`);
    }
    encoding = declared ? SUPPORTED_ENCODINGS[declared.toLowerCase()]! : "utf-8";
    body = input;
  }
  if (encoding === "utf-16be") {
    // TextDecoder knows UTF-16BE, Buffer does not; swap to little-endian.
    body = Buffer.from(body).swap16();
    encoding = "utf-16le";
  }
  if (encoding !== "utf-8") {
    try {
      return new TextDecoder(encoding).decode(body);
    } catch {
      throw new XPlanError(`Die Zeichenkodierung „${encoding}“ kann hier nicht gelesen werden. Bitte speichern Sie die Datei in UTF-8.`);
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    const lenient = new TextDecoder("utf-8").decode(body);
    if (lenient.slice(0, SNIFF_BYTES).includes("\u0000")) throw new XPlanError("Die Datei enthält Binärdaten und ist keine XML-Datei.");
    const line = lineAt(lenient, lenient.indexOf("\uFFFD"));
    throw errorAt(
      "Die Datei ist nicht gültig UTF-8-kodiert (erstes fehlerhaftes Zeichen hier). Bitte geben Sie die Kodierung in der XML-Deklaration an oder speichern Sie die Datei in UTF-8.",
      line,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// text to tree

interface OpenElement {
  name: string;
  line: number;
  column: number;
  node: XNode | null;
}

/**
 * The line of the first "&" that starts no entity reference, outside comments and CDATA. saxes
 * reads such an "&" as the start of a reference up to the next ";" and only fails much later.
 */
function bareAmpersandLine(text: string): number | undefined {
  const blanked = text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, (s) => s.replace(/[^\n]/g, " "));
  const m = /&(?!#\d+;|#x[0-9a-fA-F]+;|[A-Za-z_:][\w.:-]*;)/.exec(blanked);
  return m ? lineAt(blanked, m.index) : undefined;
}

/** saxes reports "line:column: message"; we say it in German and point at the line that is to blame. */
function translate(err: Error, text: string, open: OpenElement[], justClosed: OpenElement | undefined): XPlanError {
  const m = /^(\d+):(\d+): (.*)$/s.exec(err.message);
  const [line, column, msg] = m ? [Number(m[1]), Number(m[2]) + 1, m[3]!] : [undefined, undefined, err.message];
  const ampersand = bareAmpersandLine(text);
  if (ampersand !== undefined && (line === undefined || ampersand <= line)) {
    return errorAt("Ein „&“ steht ohne Entität im Text; in XML muss es „&amp;“ heißen.", ampersand);
  }
  const top = open.at(-1);
  if (/^unclosed tag/.test(msg) && top) {
    return errorAt(`Das Element <${top.name}> wird nicht geschlossen; die Datei endet vorher (unvollständig?).`, top.line, top.column);
  }
  // saxes has already popped the element that the close tag skipped over
  if (/^unexpected close tag/.test(msg) && justClosed) {
    return errorAt(
      `Das Element <${justClosed.name}> wird nicht geschlossen: in Zeile ${line} folgt ein schließendes Tag, das nicht dazu passt.`,
      justClosed.line,
      justClosed.column,
    );
  }
  if (/^unmatched closing tag/.test(msg)) return errorAt("Schließendes Tag ohne öffnendes Element.", line, column);
  if (/^text data outside of root node/.test(msg)) return errorAt("Text außerhalb des Wurzelelements: die Datei ist kein wohlgeformtes XML.", line, column);
  if (/^documents may contain only one root/.test(msg)) return errorAt("Die Datei enthält mehr als ein Wurzelelement.", line, column);
  if (/^document must contain a root element/.test(msg)) return new XPlanError("Die Datei enthält kein XML-Element.");
  if (/entity/.test(msg)) {
    return errorAt("Unbekannte Entität (&…;). Entitäten aus einer DTD oder aus externen Dateien werden nicht aufgelöst.", line, column);
  }
  const prefix = /^unbound namespace prefix: "(.*)"/.exec(msg);
  if (prefix) return errorAt(`Das Namensraum-Präfix „${prefix[1]}“ ist nicht deklariert.`, line, column);
  return errorAt(`Die Datei ist kein wohlgeformtes XML (${msg.replace(/\.$/, "")}).`, line, column);
}

const attrsOf = (tag: SaxesTagNS): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const a of Object.values(tag.attributes)) {
    if (a.prefix === "xmlns" || a.name === "xmlns") continue;
    out[a.local] = a.value;
  }
  return out;
};

/**
 * Parse XML text. Only the root (attributes, no content) and the elements `capture` selects,
 * with all that is inside them, are kept; the root's captured children hang under it too.
 */
export function parseXml(text: string, capture: Capture): XmlContent {
  if (text.trim() === "") throw new XPlanError("Die Datei ist leer.");
  const start = text.trimStart();
  if (!start.startsWith("<")) {
    throw new XPlanError(`Die Datei ist kein XML: sie beginnt mit „${start.slice(0, 20).replace(/\s+/g, " ").replace(/[\p{Cc}\p{Cf}]/gu, "?")}…“ statt mit „<“.`);
  }
  const parser = new SaxesParser({ xmlns: true, position: true });
  const open: OpenElement[] = [];
  const captured: XNode[] = [];
  let root: XNode | undefined;
  /** a root that is itself captured keeps its whole content (a file that is one feature) */
  let rootCaptured = false;
  let pending: { line: number; column: number } = { line: 1, column: 1 };
  let justClosed: OpenElement | undefined;

  parser.on("error", (err) => {
    throw translate(err, text, open, justClosed);
  });
  parser.on("opentagstart", (tag) => {
    // saxes stands just behind the name; the "<" is name.length + 1 further back.
    pending = { line: parser.line, column: Math.max(1, parser.column - tag.name.length - 1) };
  });
  parser.on("opentag", (tag) => {
    const parent = open.at(-1);
    const inside = !!parent?.node && (parent.node !== root || rootCaptured);
    let node: XNode | null = null;
    const make = (): XNode => ({
      ns: tag.uri,
      local: tag.local,
      name: tag.name,
      attrs: attrsOf(tag),
      children: [],
      text: "",
      line: pending.line,
      column: pending.column,
      textLine: parser.line,
    });
    if (!parent) {
      node = root = make();
      if (capture({ ns: tag.uri, local: tag.local }, 0)) {
        rootCaptured = true;
        captured.push(root);
      }
    } else if (inside) {
      node = make();
      parent.node!.children.push(node);
    } else if (capture({ ns: tag.uri, local: tag.local }, open.length)) {
      node = make();
      captured.push(node);
      if (parent.node === root) root!.children.push(node);
    }
    open.push({ name: tag.name, line: pending.line, column: pending.column, node });
  });
  const addText = (t: string) => {
    const top = open.at(-1);
    if (top?.node && (top.node !== root || rootCaptured)) top.node.text += t;
  };
  parser.on("text", addText);
  parser.on("cdata", addText);
  parser.on("closetag", () => {
    justClosed = open.pop();
  });

  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof XPlanError) throw err;
    throw translate(err as Error, text, open, justClosed);
  }
  if (!root) throw new XPlanError("Die Datei enthält kein XML-Element.");
  return { root, captured };
}

// ---------------------------------------------------------------------------------------------
// small helpers over XNode

export const childrenNamed = (el: XNode, local: string): XNode[] => el.children.filter((c) => c.local === local);
export const firstChild = (el: XNode, local: string): XNode | undefined => el.children.find((c) => c.local === local);
/** The trimmed text of a child element; null when it is missing or empty. */
export const childText = (el: XNode, local: string): string | null => {
  const t = firstChild(el, local)?.text.trim();
  return t ? t : null;
};
