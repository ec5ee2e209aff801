import type { AppContext } from "../../platform/context.js";
import { SCOPES } from "./keys.js";
import { DELIVERY_MAX_ATTEMPTS, DELIVERY_TIMEOUT_MS, WEBHOOK_EVENTS } from "./webhooks.js";
import { MAX_BESCHEID_BYTES } from "./service.js";

/**
 * The OpenAPI 3.1 description served at /api/openapi.json, written by hand next to the routes
 * (api.ts). handoff.test.ts checks that every registered /api/v1/ route is in it.
 */

/** Paths (and schemas) another module's JSON routes add to the one description of the API. */
export interface ApiDescriptionPart {
  paths: Record<string, unknown>;
  schemas?: Record<string, unknown>;
}
const parts = new WeakMap<AppContext, ApiDescriptionPart[]>();

/** For modules with their own /api/v1/ routes (call from init or routes): they appear in /api/openapi.json. */
export function addApiDescription(ctx: AppContext, part: ApiDescriptionPart): void {
  parts.set(ctx, [...(parts.get(ctx) ?? []), part]);
}
export function apiDescriptionParts(ctx: AppContext): ApiDescriptionPart[] {
  return parts.get(ctx) ?? [];
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const tenantParam = { name: "tenant", in: "path", required: true, description: "Kurzname der Kommune (z. B. usingen); muss zur Kommune des Schlüssels passen.", schema: { type: "string" } };
const idParam = { name: "id", in: "path", required: true, description: "Id des Vorgangs", schema: { type: "string", format: "uuid" } };
const errors = (...codes: number[]) =>
  Object.fromEntries(
    codes.map((c) => [
      String(c),
      {
        description: {
          400: "Ungültige Anfrage",
          401: "Schlüssel fehlt, ist falsch oder widerrufen",
          403: "Schlüssel einer anderen Kommune oder ohne die nötige Berechtigung",
          404: "Kein solcher Vorgang (oder nicht im Amt des Schlüssels)",
          409: "Veraltete version: der Vorgang wurde inzwischen geändert",
          413: "Zu groß",
          415: "Kein PDF",
          422: "Schritt nicht möglich oder Angaben fehlen",
          429: "Zu viele Anfragen; Retry-After nennt die Sekunden",
        }[c],
        content: { "application/json": { schema: ref("Error") } },
      },
    ]),
  );
const secured = (scope: string) => [{ apiKey: [scope] }];

export function openApiDocument(baseUrl: string, more: ApiDescriptionPart[] = []): Record<string, unknown> {
  const doc = {
    openapi: "3.1.0",
    info: {
      title: "Digitales Rathaus – Schnittstelle für Fachverfahren",
      version: "1.0.0",
      description:
        "Übergabe von Vorgängen an Fachverfahren: neue Vorgänge mit Angaben und Dateien abholen, die Übernahme bestätigen, den Status ändern und Bescheide hochladen. Schlüssel legt die Administration der Kommune unter /{kommune}/verwaltung/schnittstellen an. Webhooks melden Ereignisse (siehe `webhooks`).",
      license: { name: "EUPL-1.2", identifier: "EUPL-1.2" },
    },
    servers: [{ url: baseUrl }],
    security: [{ apiKey: [] }],
    paths: {
      "/api/v1/{tenant}/cases": {
        get: {
          operationId: "listCases",
          summary: "Vorgänge abholen (älteste zuerst, seitenweise)",
          security: secured("cases:read"),
          parameters: [
            tenantParam,
            { name: "status", in: "query", schema: { type: "string" }, description: "nur Vorgänge in diesem Status, z. B. eingegangen" },
            { name: "acknowledged", in: "query", schema: { type: "boolean" }, description: "false: nur noch nicht übernommene Vorgänge" },
            { name: "after", in: "query", schema: { type: "string" }, description: "Cursor `next` der vorigen Seite" },
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 50 } },
          ],
          responses: {
            "200": { description: "Eine Seite", content: { "application/json": { schema: { type: "object", required: ["items", "next"], properties: { items: { type: "array", items: ref("Case") }, next: { type: ["string", "null"], description: "Cursor für die nächste Seite; null am Ende" } } } } } },
            ...errors(400, 401, 403, 429),
          },
        },
      },
      "/api/v1/{tenant}/cases/{id}": {
        get: {
          operationId: "getCase",
          summary: "Ein Vorgang mit Dateiliste",
          security: secured("cases:read"),
          parameters: [tenantParam, idParam],
          responses: { "200": { description: "Der Vorgang", content: { "application/json": { schema: ref("CaseDetail") } } }, ...errors(401, 403, 404, 429) },
        },
      },
      "/api/v1/{tenant}/cases/{id}/files/{fileId}": {
        get: {
          operationId: "getCaseFile",
          summary: "Die Bytes einer Datei (Anlage des Antrags oder Datei des Vorgangs)",
          security: secured("cases:read"),
          parameters: [tenantParam, idParam, { name: "fileId", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
          responses: { "200": { description: "Die Datei; Content-Type wie beim Hochladen geprüft", content: { "application/octet-stream": { schema: { type: "string", contentMediaType: "application/octet-stream" } } } }, ...errors(401, 403, 404, 429) },
        },
      },
      "/api/v1/{tenant}/cases/{id}/ack": {
        post: {
          operationId: "acknowledgeCase",
          summary: "Übernahme bestätigen (idempotent)",
          description: "Ein wiederholter Aufruf ändert nichts und liefert die erste Bestätigung.",
          security: secured("cases:write"),
          parameters: [tenantParam, idParam],
          responses: { "200": { description: "Bestätigt", content: { "application/json": { schema: ref("Acknowledgement") } } }, ...errors(401, 403, 404, 429) },
        },
      },
      "/api/v1/{tenant}/cases/{id}/status": {
        post: {
          operationId: "transitionCase",
          summary: "Status ändern (ein Schritt des Ablaufs)",
          description: "Dieselben Regeln wie in der Verwaltung: nur Schritte des Ablaufs; eine Rückfrage braucht `text` (die Frage an die Antragstellerin oder den Antragsteller), ein Abschluss mit Bescheid den Text des Bescheids. Mit `version` wird eine Änderung auf veraltetem Stand abgelehnt (409).",
          security: secured("cases:write"),
          parameters: [tenantParam, idParam],
          requestBody: { required: true, content: { "application/json": { schema: { type: "object", required: ["to"], additionalProperties: false, properties: { to: { type: "string", description: "Zielstatus, z. B. in-bearbeitung" }, version: { type: "integer", description: "version des Vorgangs, auf der die Änderung beruht" }, text: { type: "string", maxLength: 20000 } } } } } },
          responses: { "200": { description: "Geändert", content: { "application/json": { schema: ref("CaseDetail") } } }, ...errors(400, 401, 403, 404, 409, 413, 422, 429) },
        },
      },
      "/api/v1/{tenant}/cases/{id}/bescheid": {
        post: {
          operationId: "uploadBescheid",
          summary: "Bescheid (PDF) für die Antragstellerin oder den Antragsteller hochladen",
          description: `Der Inhalt wird an den ersten Bytes als PDF erkannt (höchstens ${MAX_BESCHEID_BYTES / 1024 / 1024} MB). Der Bescheid erscheint auf der Seite des Antrags; die Antragstellerin oder der Antragsteller bekommt eine E-Mail ohne Inhalt.`,
          security: secured("cases:write"),
          parameters: [
            tenantParam,
            idParam,
            { name: "title", in: "query", schema: { type: "string", maxLength: 200, default: "Bescheid" }, description: "Titel, wie ihn die Antragstellerin oder der Antragsteller sieht" },
            { name: "filename", in: "query", schema: { type: "string", maxLength: 200 }, description: "Dateiname beim Herunterladen (Standard: Bescheid-<Aktenzeichen>.pdf)" },
          ],
          requestBody: { required: true, content: { "application/pdf": { schema: { type: "string", contentMediaType: "application/pdf" } } } },
          responses: { "201": { description: "Zugestellt", content: { "application/json": { schema: ref("File") } } }, ...errors(400, 401, 403, 404, 413, 415, 422, 429) },
        },
      },
    },
    webhooks: Object.fromEntries(
      Object.entries(WEBHOOK_EVENTS).map(([type, label]) => [
        type,
        {
          post: {
            summary: label,
            description: `POST an die Adresse des Abonnements, Zeitlimit ${DELIVERY_TIMEOUT_MS / 1000} s. Jede Antwort außer 2xx (auch eine Weiterleitung) gilt als Fehler und wird mit wachsendem Abstand wiederholt (höchstens ${DELIVERY_MAX_ATTEMPTS} Versuche); X-Rathaus-Delivery bleibt dabei gleich. Signatur: HMAC-SHA256 mit dem Geheimnis des Abonnements über "<X-Rathaus-Timestamp>.<roher Body>", hexadezimal.`,
            parameters: [
              { name: "X-Rathaus-Event", in: "header", required: true, schema: { type: "string", const: type } },
              { name: "X-Rathaus-Delivery", in: "header", required: true, schema: { type: "string", format: "uuid" } },
              { name: "X-Rathaus-Timestamp", in: "header", required: true, schema: { type: "string" }, description: "Unix-Zeit in Sekunden; Teil des signierten Inhalts" },
              { name: "X-Rathaus-Signature", in: "header", required: true, schema: { type: "string", pattern: "^sha256=[0-9a-f]{64}$" } },
            ],
            requestBody: { content: { "application/json": { schema: ref("WebhookEvent") } } },
            responses: { "200": { description: "Empfangen (jede 2xx-Antwort)" } },
          },
        },
      ]),
    ),
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: `Authorization: Bearer rh_… – Berechtigungen: ${Object.entries(SCOPES).map(([k, v]) => `${k} (${v})`).join("; ")}` },
      },
      schemas: {
        Error: { type: "object", required: ["error"], properties: { error: { type: "string" }, message: { type: "string" }, requestId: { type: "string" }, errors: { type: "object", additionalProperties: { type: "string" } } } },
        Case: {
          type: "object",
          required: ["id", "reference", "service", "status", "version", "createdAt", "answers", "href"],
          properties: {
            id: { type: "string", format: "uuid" },
            reference: { type: "string", description: "Aktenzeichen, z. B. USI-2026-000123" },
            service: { type: "object", properties: { id: { type: "string" }, title: { type: "string" }, definitionVersion: { type: "integer" } } },
            status: { type: "object", properties: { key: { type: "string" }, label: { type: "string" }, final: { type: "boolean" } } },
            departmentId: { type: ["string", "null"] },
            version: { type: "integer" },
            createdAt: { type: "string", format: "date-time" },
            updatedAt: { type: "string", format: "date-time" },
            dueAt: { type: ["string", "null"], format: "date-time" },
            closedAt: { type: ["string", "null"], format: "date-time" },
            acknowledgedAt: { type: ["string", "null"], format: "date-time" },
            applicant: { type: "object", properties: { name: { type: ["string", "null"] }, email: { type: ["string", "null"] }, accountId: { type: ["string", "null"] } } },
            answers: { type: "object", description: "Angaben nach Feld-Id des Formulars; Anlagen als {id, name, size, type}", additionalProperties: true },
            summary: { type: "array", items: { type: "object", properties: { step: { type: "string" }, rows: { type: "array", items: { type: "object", properties: { label: { type: "string" }, value: { type: "string" } } } } } } },
            href: { type: "string", format: "uri" },
          },
        },
        CaseDetail: { allOf: [ref("Case"), { type: "object", required: ["files"], properties: { files: { type: "array", items: ref("File") } } }] },
        File: {
          type: "object",
          required: ["id", "source", "kind", "name", "contentType", "size", "href"],
          properties: {
            id: { type: "string", format: "uuid" },
            source: { type: "string", enum: ["application", "case"] },
            kind: { type: "string", enum: ["upload", "answer", "bescheid"] },
            input: { type: ["string", "null"] },
            title: { type: ["string", "null"] },
            name: { type: "string" },
            contentType: { type: "string" },
            size: { type: "integer" },
            createdAt: { type: "string", format: "date-time" },
            href: { type: "string", format: "uri" },
          },
        },
        Acknowledgement: { type: "object", required: ["acknowledgedAt", "acknowledgedByKey"], properties: { acknowledgedAt: { type: "string", format: "date-time" }, acknowledgedByKey: { type: "string" } } },
        WebhookEvent: {
          type: "object",
          required: ["id", "type", "occurredAt", "municipality", "case", "data"],
          properties: {
            id: { type: "string", format: "uuid", description: "= X-Rathaus-Delivery" },
            type: { type: "string", enum: Object.keys(WEBHOOK_EVENTS) },
            occurredAt: { type: "string", format: "date-time" },
            municipality: { type: "string" },
            case: { type: "object", properties: { id: { type: "string" }, reference: { type: ["string", "null"] }, serviceId: { type: ["string", "null"] }, href: { type: "string", format: "uri" } } },
            data: { type: "object", description: "eventId; bei case.status from/to; bei case.bescheid fileId und title", additionalProperties: true },
          },
        },
      },
    },
  };
  for (const part of more) {
    Object.assign(doc.paths, part.paths);
    Object.assign(doc.components.schemas, part.schemas ?? {});
  }
  return doc;
}
