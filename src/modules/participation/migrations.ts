import type { Migration } from "../../platform/db/migrate.js";

/**
 * Tables of participation in land-use planning (Bauleitplanung): procedures with their documents
 * and phases, the agencies (Träger öffentlicher Belange) a town invites, statements with their
 * attachments, topics and groups, the planning office's text blocks, and the weighing tables
 * (Abwägung) handed to the council. Whether a phase is open is decided at read time from the
 * clock (opens_at ≤ now < closes_at); the jobs only record that the side effects have happened.
 */
export const participationMigrations: Migration[] = [
  {
    name: "001_participation",
    async up(db, { types }) {
      await db.schema
        .createTable("participation_procedures")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        // bebauungsplan | flaechennutzungsplan | aenderung | sonstiges
        .addColumn("plan_type", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("number", "text")
        .addColumn("area_description", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
        // GeoJSON MultiPolygon in WGS84 (lon, lat)
        .addColumn("scope_geojson", types.json)
        // entwurf (staff only) → laufend (public) → abgeschlossen | eingestellt
        .addColumn("state", "text", (c) => c.notNull())
        // what an XPlanGML import read (version, codes, dates, references, AGS …), as JSON
        .addColumn("xplan_json", types.json)
        .addColumn("xplan_storage_key", "text")
        .addColumn("created_by", "text")
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("modified_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("participation_procedures_tenant").on("participation_procedures").columns(["tenant_id", "state", "modified_at"]).execute();

      await db.schema
        .createTable("participation_documents")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("procedure_id", "text", (c) => c.notNull())
        // planzeichnung | begruendung | umweltbericht | gutachten | sonstiges
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        // a file we hold, or a link (external reference of an XPlanGML plan)
        .addColumn("storage_key", "text")
        .addColumn("file_name", "text")
        .addColumn("mime_type", "text")
        .addColumn("size", "integer")
        .addColumn("url", "text")
        .addColumn("position", "integer", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("participation_documents_procedure").on("participation_documents").columns(["tenant_id", "procedure_id", "position"]).execute();

      await db.schema
        .createTable("participation_phases")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("procedure_id", "text", (c) => c.notNull())
        // fruehzeitig (§ 3 Abs. 1 / § 4 Abs. 1) | foermlich (§ 3 Abs. 2 / § 4 Abs. 2) | erneut (§ 4a Abs. 3)
        .addColumn("stage", "text", (c) => c.notNull())
        .addColumn("public_participation", types.flag, (c) => c.notNull())
        .addColumn("agency_participation", types.flag, (c) => c.notNull())
        // the period as the announcement states it: first and last day (Europe/Berlin), inclusive
        .addColumn("start_date", "text", (c) => c.notNull())
        .addColumn("end_date", "text", (c) => c.notNull())
        // the same as instants: 00:00 of start_date and 24:00 of end_date, Berlin time
        .addColumn("opens_at", types.instant, (c) => c.notNull())
        .addColumn("closes_at", types.instant, (c) => c.notNull())
        // why a § 4a (3) period is shorter than the statutory minimum
        .addColumn("shortened_reason", "text")
        .addColumn("announcement_text", "text", (c) => c.notNull().defaultTo(""))
        .addColumn("announced_at", types.instant)
        // side effects done (publishing events, cache, reminders): recorded by the jobs
        .addColumn("opened_processed_at", types.instant)
        .addColumn("closed_processed_at", types.instant)
        .addColumn("reminder_processed_at", types.instant)
        .addColumn("cancelled_at", types.instant)
        .addColumn("created_by", "text")
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("modified_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("participation_phases_procedure").on("participation_phases").columns(["tenant_id", "procedure_id", "start_date"]).execute();
      await db.schema.createIndex("participation_phases_due").on("participation_phases").columns(["opens_at", "closes_at"]).execute();

      await db.schema
        .createTable("participation_agencies")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("email", "text", (c) => c.notNull())
        .addColumn("contact_name", "text")
        .addColumn("active", types.flag, (c) => c.notNull().defaultTo(1))
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("participation_agencies_tenant").on("participation_agencies").columns(["tenant_id", "name"]).execute();

      await db.schema
        .createTable("participation_invitations")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("phase_id", "text", (c) => c.notNull())
        .addColumn("agency_id", "text", (c) => c.notNull())
        // sha256 of the personal link's token; the token itself is only in the mail
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        // last day (Berlin) for the agency's statement
        .addColumn("deadline", "text", (c) => c.notNull())
        .addColumn("sent_at", types.instant)
        .addColumn("reminder_sent_at", types.instant)
        .addColumn("last_statement_at", types.instant)
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addUniqueConstraint("participation_invitations_once", ["phase_id", "agency_id"])
        .execute();
      await db.schema.createIndex("participation_invitations_phase").on("participation_invitations").columns(["tenant_id", "phase_id"]).execute();

      await db.schema
        .createTable("participation_statements")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("procedure_id", "text", (c) => c.notNull())
        .addColumn("phase_id", "text", (c) => c.notNull())
        // ST-2026-00042, one counter per municipality and year
        .addColumn("reference", "text", (c) => c.notNull())
        // oeffentlichkeit | toeb
        .addColumn("source", "text", (c) => c.notNull())
        // online | verwaltung (entered by staff from a letter or the minutes)
        .addColumn("channel", "text", (c) => c.notNull())
        .addColumn("account_id", "text")
        .addColumn("agency_id", "text")
        .addColumn("invitation_id", "text")
        .addColumn("submitter_name", "text")
        .addColumn("submitter_email", "text")
        .addColumn("submitter_address", "text")
        .addColumn("text", "text", (c) => c.notNull())
        .addColumn("document_id", "text")
        .addColumn("document_page", "text")
        .addColumn("location_text", "text")
        // GeoJSON Point or Polygon (WGS84) drawn on the map
        .addColumn("location_geojson", types.json)
        .addColumn("consent_at", types.instant)
        .addColumn("submitted_at", types.instant, (c) => c.notNull())
        .addColumn("late", types.flag, (c) => c.notNull())
        .addColumn("entered_by", "text")
        // neu | in_bearbeitung | abgewogen
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("assignee_id", "text")
        .addColumn("group_id", "text")
        // beruecksichtigt | teilweise | nicht_beruecksichtigt | kenntnis
        .addColumn("verdict", "text")
        .addColumn("response", "text", (c) => c.notNull().defaultTo(""))
        // the text as published in the weighing table (names and addresses removed); null = derived
        .addColumn("published_text", "text")
        // the weighing table (handed to the council) this statement was decided in
        .addColumn("weighing_id", "text")
        .addColumn("feedback_token_hash", "text")
        .addColumn("feedback_sent_at", types.instant)
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("modified_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("participation_statements_list").on("participation_statements").columns(["tenant_id", "procedure_id", "submitted_at", "id"]).execute();
      await db.schema.createIndex("participation_statements_status").on("participation_statements").columns(["tenant_id", "procedure_id", "status"]).execute();
      await db.schema.createIndex("participation_statements_reference").on("participation_statements").columns(["tenant_id", "reference"]).unique().execute();
      await db.schema.createIndex("participation_statements_account").on("participation_statements").columns(["tenant_id", "account_id"]).execute();
      await db.schema.createIndex("participation_statements_feedback").on("participation_statements").columns(["feedback_token_hash"]).execute();

      await db.schema
        .createTable("participation_attachments")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("statement_id", "text", (c) => c.notNull())
        .addColumn("file_name", "text", (c) => c.notNull())
        .addColumn("mime_type", "text", (c) => c.notNull())
        .addColumn("size", "integer", (c) => c.notNull())
        .addColumn("sha1", "text", (c) => c.notNull())
        .addColumn("storage_key", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("participation_attachments_statement").on("participation_attachments").columns(["tenant_id", "statement_id"]).execute();

      await db.schema
        .createTable("participation_topics")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("procedure_id", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addUniqueConstraint("participation_topics_name", ["tenant_id", "procedure_id", "name"])
        .execute();
      await db.schema
        .createTable("participation_statement_topics")
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("statement_id", "text", (c) => c.notNull())
        .addColumn("topic_id", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("participation_statement_topics_pk", ["statement_id", "topic_id"])
        .execute();
      await db.schema.createIndex("participation_statement_topics_topic").on("participation_statement_topics").columns(["tenant_id", "topic_id"]).execute();

      await db.schema
        .createTable("participation_groups")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("procedure_id", "text", (c) => c.notNull())
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("participation_text_blocks")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("participation_weighings")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("procedure_id", "text", (c) => c.notNull())
        .addColumn("council_paper_id", "text")
        .addColumn("council_paper_reference", "text")
        .addColumn("statement_count", "integer", (c) => c.notNull())
        .addColumn("created_by", "text")
        .addColumn("created_at", types.instant, (c) => c.notNull())
        // the council's decision (PaperDecision), recorded when the meeting's results are published
        .addColumn("decided_at", types.instant)
        .addColumn("decision_result", "text")
        .addColumn("feedback_queued_at", types.instant)
        .execute();
      await db.schema.createIndex("participation_weighings_paper").on("participation_weighings").columns(["tenant_id", "council_paper_id"]).execute();
      await db.schema.createIndex("participation_weighings_procedure").on("participation_weighings").columns(["tenant_id", "procedure_id", "created_at"]).execute();

      await db.schema
        .createTable("participation_counters")
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("year", "integer", (c) => c.notNull())
        .addColumn("next", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("participation_counters_pk", ["tenant_id", "year"])
        .execute();
    },
  },
  {
    name: "002_participation_settings",
    async up(db, { types }) {
      // per town: an optional tile server for a web map (none by default: no request leaves our host)
      await db.schema
        .createTable("participation_settings")
        .addColumn("tenant_id", "text", (c) => c.primaryKey().references("tenants.id").onDelete("cascade"))
        .addColumn("tile_url_template", "text")
        .addColumn("tile_attribution", "text")
        .addColumn("modified_at", types.instant, (c) => c.notNull())
        .execute();
    },
  },
  {
    name: "003_participation_statement_search",
    async up(db) {
      // the text and reference in lower case as JavaScript folds them (SQLite's lower() folds ASCII only):
      // the planning office's text search runs on this column on both databases
      await db.schema.alterTable("participation_statements").addColumn("search_text", "text").execute();
      const rows = await db.selectFrom("participation_statements").select(["id", "text", "reference"]).execute();
      for (const r of rows) await db.updateTable("participation_statements").set({ search_text: statementSearchText(r.reference, r.text) }).where("id", "=", r.id).execute();
    },
  },
];

/** What the statement list's text search looks in: reference and text, lower-cased (Unicode). */
export function statementSearchText(reference: string, text: string): string {
  return `${reference}\n${text}`.toLowerCase();
}
