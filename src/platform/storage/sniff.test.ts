import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SNIFF_BYTES, acceptsType, describeAccept, sniffType } from "./sniff.js";

const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ""), "hex");

// Leading bytes of real files: most copied from files on this machine; HEIC and AVIF are the ftyp
// boxes iPhones and libavif write (no such file here).
const REAL = {
  pdf: hex("255044462d312e350a25d0d4c5d80a312030206f626a0a3c"), // %PDF-1.5 (libtasn1.pdf)
  jpegJfif: hex("ffd8ffe000104a46494600010101004800480000ffdb0043"),
  jpegRaw: hex("ffd8ffdb0043000101010101010101010101010101010201"),
  png: hex("89504e470d0a1a0a0000000d4948445200000010000000100806000000"),
  gif: hex("4749463839618002a501f7023100000000000900ff000100"),
  gif87: hex("474946383761100010008000"),
  tiffLe: hex("49492a000804000000000000000000000000000000000000"),
  tiffBe: hex("4d4d002a000000080011"),
  webp: hex("52494646a801000057454250565038580a00000010000000"),
  heic: hex("00000018 66747970 68656963 00000000 6d696631 68656963 0000"),
  heifMif1: hex("0000001c 66747970 6d696631 00000000 6d696631 68656963 68657663"),
  avif: hex("0000001c 66747970 61766966 00000000 61766966 6d696631 6d696166"),
  exe: hex("4d5a90000300000004000000ffff0000b800000000000000"),
  zip: hex("504b0304140000000800"),
};

test("sniffType recognises each accepted type by its magic bytes", () => {
  const cases: Array<[Buffer, string, string, string]> = [
    [REAL.pdf, "application/pdf", "pdf", "PDF-Dokument"],
    [REAL.jpegJfif, "image/jpeg", "jpg", "JPEG-Bild"],
    [REAL.jpegRaw, "image/jpeg", "jpg", "JPEG-Bild"],
    [REAL.png, "image/png", "png", "PNG-Bild"],
    [REAL.gif, "image/gif", "gif", "GIF-Bild"],
    [REAL.gif87, "image/gif", "gif", "GIF-Bild"],
    [REAL.tiffLe, "image/tiff", "tif", "TIFF-Bild"],
    [REAL.tiffBe, "image/tiff", "tif", "TIFF-Bild"],
    [REAL.webp, "image/webp", "webp", "WebP-Bild"],
    [REAL.heic, "image/heic", "heic", "HEIC-Bild"],
    [REAL.heifMif1, "image/heic", "heic", "HEIC-Bild"],
  ];
  for (const [head, mime, ext, label] of cases) {
    assert.deepEqual(sniffType(head), { mime, ext, label }, `${head.toString("hex").slice(0, 24)}…`);
  }
});

test("a PDF header may follow up to 1024 bytes of other data, not more", () => {
  const junk = (n: number) => Buffer.alloc(n, " ");
  const atEnd = Buffer.concat([junk(SNIFF_BYTES - 8), Buffer.from("%PDF-1.7")]);
  assert.equal(atEnd.length, SNIFF_BYTES);
  assert.equal(sniffType(atEnd)?.mime, "application/pdf");
  const tooLate = Buffer.concat([junk(SNIFF_BYTES - 7), Buffer.from("%PDF-1.7")]);
  assert.equal(sniffType(tooLate), undefined);
});

test("files that only claim a type are refused", () => {
  const letter = Buffer.from("Sehr geehrte Damen und Herren,\nanbei mein Antrag auf Wohngeld.\n"); // saved as antrag.pdf
  assert.equal(sniffType(letter), undefined, "text renamed .pdf");
  assert.equal(sniffType(REAL.exe), undefined, "Windows executable");
  assert.equal(sniffType(REAL.zip), undefined, "ZIP archive");
  assert.equal(sniffType(REAL.avif), undefined, "AVIF shares the HEIF container but is not HEIC");
  assert.equal(sniffType(Buffer.from("<!DOCTYPE html><html>%PDF in prose</html>")), undefined);
  assert.equal(sniffType(Buffer.from("RIFF\x24\x00\x00\x00WAVEfmt ", "latin1")), undefined, "RIFF but WAVE");
});

test("truncated buffers are refused, never read past their end", () => {
  assert.equal(sniffType(Buffer.alloc(0)), undefined);
  assert.equal(sniffType(REAL.png.subarray(0, 4)), undefined);
  assert.equal(sniffType(REAL.jpegRaw.subarray(0, 2)), undefined);
  assert.equal(sniffType(REAL.gif.subarray(0, 5)), undefined);
  assert.equal(sniffType(REAL.webp.subarray(0, 10)), undefined);
  assert.equal(sniffType(REAL.heic.subarray(0, 10)), undefined);
  assert.equal(sniffType(Buffer.from("%PDF-")), undefined);
  // an ftyp box that claims more bytes than were passed: only what is there is read
  assert.equal(sniffType(REAL.heic.subarray(0, 12))?.mime, "image/heic");
});

/** Every `file.accept` list in the shared service definitions. */
function acceptListsInDefinitions(): string[][] {
  const dir = fileURLToPath(new URL("../../../definitions/services", import.meta.url));
  const lists: string[][] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const file = (node as { file?: { accept?: unknown } }).file;
      if (Array.isArray(file?.accept)) lists.push(file.accept as string[]);
      Object.values(node).forEach(walk);
    }
  };
  for (const name of readdirSync(dir).filter((n) => n.endsWith(".json"))) walk(JSON.parse(readFileSync(join(dir, name), "utf8")));
  return lists;
}

test("every accept list of the service definitions admits sniffable types and reads well", () => {
  const lists = acceptListsInDefinitions();
  assert.ok(lists.length > 0, "the definitions have upload fields");
  const sniffable = Object.values(REAL).map(sniffType).filter((t) => t !== undefined);
  for (const accept of lists) {
    for (const entry of accept) {
      assert.ok(sniffable.some((t) => acceptsType([entry], t.mime)), `"${entry}" admits a type sniffType can recognise`);
    }
    assert.match(describeAccept(accept), /^[A-Z]\w*((, [A-Z]\w*)* oder [A-Z]\w*)?$/, "short names, no MIME types");
  }
});

test("acceptsType: exact types, wildcards, case and parameters", () => {
  const usual = ["application/pdf", "image/jpeg", "image/png"];
  assert.equal(acceptsType(usual, "application/pdf"), true);
  assert.equal(acceptsType(usual, "image/png"), true);
  assert.equal(acceptsType(usual, "image/gif"), false);
  assert.equal(acceptsType(["image/jpeg", "image/png"], "application/pdf"), false);
  assert.equal(acceptsType(["image/*"], "image/heic"), true);
  assert.equal(acceptsType(["image/*"], "application/pdf"), false);
  assert.equal(acceptsType(["image/*"], "imagex/png"), false);
  assert.equal(acceptsType(["*/*"], "application/pdf"), true);
  assert.equal(acceptsType(["Application/PDF "], "application/pdf"), true);
  assert.equal(acceptsType(["application/pdf"], "application/pdf; charset=binary"), true);
  assert.equal(acceptsType([], "application/pdf"), false);
});

test("describeAccept names the allowed types in German", () => {
  assert.equal(describeAccept(["application/pdf", "image/jpeg", "image/png"]), "PDF, JPEG oder PNG");
  assert.equal(describeAccept(["image/jpeg", "image/png"]), "JPEG oder PNG");
  assert.equal(describeAccept(["application/pdf"]), "PDF");
  assert.equal(describeAccept(["application/pdf", "image/*"]), "PDF, JPEG, PNG, GIF, WebP, TIFF oder HEIC");
  assert.equal(describeAccept(["image/png", "image/*"]), "PNG, JPEG, GIF, WebP, TIFF oder HEIC", "no name twice");
  assert.equal(describeAccept(["text/csv"]), "CSV");
  assert.equal(describeAccept([]), "");
});
