import type { FastifyRequest } from "fastify";
import type { AppContext } from "../context.js";
import { checkCsrf } from "./csrf.js";
import { HttpError } from "./errors.js";

export interface ReceivedFile {
  /** the form input's name */
  field: string;
  /** the name the browser gave, unchecked */
  fileName: string;
  data: Buffer;
  /** larger than the limit: only the first `limit` bytes were kept */
  truncated: boolean;
}

const CSRF_MESSAGE = "Das Formular konnte nicht sicher übermittelt werden. Bitte laden Sie die Seite neu und senden Sie es erneut.";

/**
 * Reads a multipart form whose first field is the CSRF token (forms put `_csrf` first): the
 * token is checked before any file is read. Files beyond `fileSize` are cut and flagged, not
 * an error, so the caller can explain it next to the field and keep the other answers.
 * Inputs left empty by the browser (no file chosen) are skipped.
 */
export async function readMultipartForm(ctx: AppContext, req: FastifyRequest, limits: { fileSize: number; files: number; fields?: number }): Promise<{ fields: Record<string, string | string[]>; files: ReceivedFile[] }> {
  if (!req.isMultipart()) throw new HttpError(415, "Bitte senden Sie das Formular über die Seite ab.", "expected multipart/form-data");
  const fields: Record<string, string | string[]> = {};
  const files: ReceivedFile[] = [];
  let csrfChecked = false;
  for await (const part of req.parts({ limits: { fileSize: limits.fileSize, files: limits.files, fields: limits.fields ?? 500 }, throwFileSizeLimit: false } as Parameters<FastifyRequest["parts"]>[0])) {
    if (!csrfChecked) {
      if (part.type !== "field" || part.fieldname !== "_csrf") throw new HttpError(403, CSRF_MESSAGE, "multipart form without _csrf as first field");
      const failure = checkCsrf(ctx, req, String(part.value));
      if (failure) throw new HttpError(403, failure === "expired" ? "Das Formular ist abgelaufen. Bitte laden Sie die Seite neu und senden Sie es erneut." : CSRF_MESSAGE, `csrf check failed on multipart form: ${failure}`);
      csrfChecked = true;
      continue;
    }
    if (part.type === "field") {
      const value = String(part.value);
      const prev = fields[part.fieldname];
      fields[part.fieldname] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
      continue;
    }
    const data = await part.toBuffer();
    if (!part.filename && data.length === 0) continue;
    files.push({ field: part.fieldname, fileName: part.filename, data, truncated: part.file.truncated });
  }
  if (!csrfChecked) throw new HttpError(403, CSRF_MESSAGE, "empty multipart form");
  return { fields, files };
}
