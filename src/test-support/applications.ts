import assert from "node:assert/strict";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import type { ServiceDefinition } from "../modules/services/definitions.js";
import { exampleInput } from "./form-filler.js";
import { csrfFrom, sessionCookie } from "./app.js";

/** Small real files whose content matches their type (uploads are checked by magic bytes). */
export const SAMPLE_FILES: Record<string, { name: string; data: Buffer }> = {
  "application/pdf": { name: "nachweis.pdf", data: Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n") },
  "image/jpeg": { name: "foto.jpg", data: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from("JFIF\0"), Buffer.alloc(64, 1), Buffer.from([0xff, 0xd9])]) },
  "image/png": { name: "bild.png", data: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 2)]) },
};

export function sampleFileFor(accept: string[]): { name: string; type: string; data: Buffer } {
  for (const a of accept) {
    const type = a === "image/*" ? "image/jpeg" : a;
    const f = SAMPLE_FILES[type];
    if (f) return { ...f, type };
  }
  throw new Error(`no sample file for ${accept.join(",")}`);
}

/** A multipart/form-data body with `_csrf` first, as our forms send it. */
export function multipart(fields: Record<string, unknown>, files: { field: string; name: string; type: string; data: Buffer }[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----rathaus${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  const entries = Object.entries(fields).sort(([a], [b]) => (a === "_csrf" ? -1 : b === "_csrf" ? 1 : 0));
  for (const [k, v] of entries) {
    for (const x of Array.isArray(v) ? v : [v]) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${String(x)}\r\n`));
  }
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.name}"\r\nContent-Type: ${f.type}\r\n\r\n`), f.data, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { "content-type": `multipart/form-data; boundary=${boundary}` } };
}

export function urlencodedBody(fields: Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) if (x !== undefined) p.append(k, String(x));
  return p.toString();
}

/**
 * Drives an online application over HTTP like a browser without JavaScript: start on the
 * service page, every step's form, the check page, the submit; keeps the session cookie.
 */
export class ApplicationClient {
  cookie: string | undefined;
  location = "";
  constructor(readonly app: FastifyInstance, readonly slug: string, cookie?: string) {
    this.cookie = cookie;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.cookie ? { cookie: this.cookie } : {}), ...extra };
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    return this.app.inject({ url, headers: this.headers() });
  }

  async start(serviceId: string): Promise<LightMyRequestResponse> {
    const page = await this.get(`/${this.slug}/dienste/${serviceId}`);
    assert.equal(page.statusCode, 200, `service page ${serviceId}`);
    const res = await this.app.inject({ method: "POST", url: `/${this.slug}/dienste/${serviceId}/antrag`, headers: this.headers({ "content-type": "application/x-www-form-urlencoded" }), payload: urlencodedBody({ _csrf: csrfFrom(page.body) }) });
    if (!this.cookie && res.headers["set-cookie"]) this.cookie = sessionCookie(res);
    if (res.statusCode === 303) this.location = String(res.headers.location);
    return res;
  }

  /** Posts a step form: multipart when there are files or the page's form is multipart. */
  async post(url: string, fields: Record<string, unknown>, files: { field: string; name: string; type: string; data: Buffer }[] = [], asMultipart = files.length > 0): Promise<LightMyRequestResponse> {
    const res = asMultipart
      ? await (async () => {
          const m = multipart(fields, files);
          return this.app.inject({ method: "POST", url, headers: this.headers(m.headers), payload: m.payload });
        })()
      : await this.app.inject({ method: "POST", url, headers: this.headers({ "content-type": "application/x-www-form-urlencoded" }), payload: urlencodedBody(fields) });
    if (res.statusCode === 303) this.location = String(res.headers.location);
    return res;
  }

  /** Fills every step with valid example input until the check page; returns the step ids seen. */
  async fillAll(def: ServiceDefinition, today: string, choice: "first" | "last" = "first"): Promise<string[]> {
    const seen: string[] = [];
    for (let guard = 0; guard < 25 && /\/schritt\//.test(this.location); guard++) {
      const page = await this.get(this.location);
      assert.equal(page.statusCode, 200, `${def.id}: GET ${this.location} → ${page.statusCode}`);
      const stepId = /\/schritt\/([^/?]+)/.exec(this.location)![1]!;
      seen.push(stepId);
      const step = def.steps.find((s) => s.id === stepId)!;
      const { body, files } = exampleInput(def, step.fields, today, choice);
      const uploads = Object.entries(files).map(([field, refs]) => {
        const f = def.steps.flatMap((s) => s.fields.flatMap((x) => [x, ...(x.fields ?? [])])).find((x) => x.id === field.replace(/^.*\]\./, ""))!;
        const sample = sampleFileFor(f.file!.accept);
        return { field, name: refs[0]!.name.replace(/\.\w+$/, sample.name.slice(sample.name.lastIndexOf("."))), type: sample.type, data: sample.data };
      });
      const multipartForm = /enctype="multipart\/form-data"/i.test(page.body);
      const res = await this.post(this.location, { _csrf: csrfFrom(page.body), ...body, _aktion: "weiter" }, uploads, multipartForm);
      assert.equal(res.statusCode, 303, `${def.id}: step ${stepId} → ${res.statusCode}: ${errorsOf(res.body).join(" | ")}`);
    }
    assert.match(this.location, /\/pruefen$/, `${def.id}: ends on the check page`);
    return seen;
  }

  async submit(): Promise<LightMyRequestResponse> {
    const check = await this.get(this.location);
    assert.equal(check.statusCode, 200);
    const action = /<form method="post" action="([^"]+\/absenden)"/.exec(check.body)?.[1];
    assert.ok(action, "check page has the submit form");
    return this.post(action!, { _csrf: csrfFrom(check.body) });
  }
}

/** The messages of a page's error summary. */
export function errorsOf(html: string): string[] {
  const summary = /<div class="kern-alert kern-alert--danger error-summary"[\s\S]*?<\/ul>/.exec(html)?.[0] ?? "";
  return [...summary.matchAll(/<a class="kern-link" href="#([^"]+)">([^<]+)<\/a>/g)].map((m) => `${m[1]}: ${m[2]}`);
}
