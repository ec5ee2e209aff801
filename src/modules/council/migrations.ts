import type { Migration } from "../../platform/db/migrate.js";

/**
 * The council information system (Ratsinformationssystem). Every table carries `tenant_id`
 * (one OParl Body per municipality), `created_at`/`modified_at` (OParl created/modified) and,
 * where the public may have seen the object, `deleted_at`: withdrawing a published object
 * leaves a tombstone (OParl `deleted: true`) instead of removing the row.
 */
export const councilMigrations: Migration[] = [
  {
    name: "001_council",
    async up(db, { types }) {
      const base = (name: string) =>
        db.schema
          .createTable(name)
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"));
      const stamps = <T extends { addColumn: (...a: any[]) => T }>(t: T): T =>
        t
          .addColumn("created_at", types.instant, (c: any) => c.notNull())
          .addColumn("modified_at", types.instant, (c: any) => c.notNull())
          .addColumn("deleted_at", types.instant);

      // The municipality's council settings (the OParl Body is the municipality itself).
      await db.schema
        .createTable("council_settings")
        .addColumn("tenant_id", "text", (c) => c.primaryKey().references("tenants.id").onDelete("cascade"))
        // how the public sees meetings of bodies that meet only non-publicly: "date" (date only) or "hidden"
        .addColumn("nonpublic_meetings", "text", (c) => c.notNull().defaultTo("date"))
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("modified_at", types.instant, (c) => c.notNull())
        .execute();

      await stamps(base("council_terms").addColumn("name", "text", (c) => c.notNull()).addColumn("start_date", "text").addColumn("end_date", "text")).execute();
      await db.schema.createIndex("council_terms_list").on("council_terms").columns(["tenant_id", "id"]).execute();

      await stamps(
        base("council_locations")
          .addColumn("description", "text", (c) => c.notNull())
          .addColumn("street_address", "text")
          .addColumn("room", "text")
          .addColumn("postal_code", "text")
          .addColumn("locality", "text"),
      ).execute();
      await db.schema.createIndex("council_locations_list").on("council_locations").columns(["tenant_id", "id"]).execute();

      await stamps(
        base("council_organizations")
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("short_name", "text")
          // parlament | vorstand | ausschuss | ortsbeirat | fraktion
          .addColumn("kind", "text", (c) => c.notNull())
          // 0: meets only non-publicly (Magistrat): its meetings are listed per council_settings.nonpublic_meetings
          .addColumn("meets_publicly", types.flag, (c) => c.notNull().defaultTo(1))
          .addColumn("location_id", "text")
          .addColumn("start_date", "text")
          .addColumn("end_date", "text")
          .addColumn("sort_order", "integer", (c) => c.notNull().defaultTo(0)),
      ).execute();
      await db.schema.createIndex("council_organizations_list").on("council_organizations").columns(["tenant_id", "id"]).execute();

      await stamps(
        base("council_persons")
          .addColumn("family_name", "text", (c) => c.notNull())
          .addColumn("given_name", "text", (c) => c.notNull())
          .addColumn("title", "text")
          .addColumn("form_of_address", "text")
          .addColumn("gender", "text")
          .addColumn("party", "text")
          // personal fields (contact, life, gender) are published only with recorded consent
          .addColumn("consent_at", types.instant)
          .addColumn("email", "text")
          .addColumn("phone", "text")
          .addColumn("life", "text")
          // the staff account a council member logs in with (role mandatstraeger)
          .addColumn("account_id", "text"),
      ).execute();
      await db.schema.createIndex("council_persons_list").on("council_persons").columns(["tenant_id", "id"]).execute();
      await db.schema.createIndex("council_persons_account").on("council_persons").columns(["account_id"]).execute();

      await stamps(
        base("council_memberships")
          .addColumn("person_id", "text", (c) => c.notNull())
          .addColumn("organization_id", "text", (c) => c.notNull())
          .addColumn("role", "text")
          .addColumn("voting_right", types.flag, (c) => c.notNull().defaultTo(1))
          .addColumn("start_date", "text")
          .addColumn("end_date", "text")
          // the faction on whose behalf the person sits in the organisation
          .addColumn("on_behalf_of", "text"),
      ).execute();
      await db.schema.createIndex("council_memberships_list").on("council_memberships").columns(["tenant_id", "id"]).execute();
      await db.schema.createIndex("council_memberships_person").on("council_memberships").columns(["tenant_id", "person_id"]).execute();
      await db.schema.createIndex("council_memberships_org").on("council_memberships").columns(["tenant_id", "organization_id"]).execute();

      await stamps(
        base("council_papers")
          .addColumn("reference", "text", (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          // Beschlussvorlage | Antrag | Anfrage | Mitteilung | Bericht
          .addColumn("paper_type", "text", (c) => c.notNull())
          .addColumn("date", "text", (c) => c.notNull())
          // entwurf → freigabe (waiting for internal approval) → freigegeben (released)
          .addColumn("state", "text", (c) => c.notNull())
          // the paper's text (Sachverhalt, Beschlussvorschlag)
          .addColumn("body_text", "text", (c) => c.notNull().defaultTo(""))
          .addColumn("originator_organization_id", "text")
          .addColumn("originator_person_id", "text")
          // the department in charge (Federführung), free text
          .addColumn("under_direction_of", "text")
          .addColumn("created_by", "text")
          .addColumn("approved_by", "text")
          .addColumn("approved_at", types.instant)
          // set when a published public agenda item first made the paper public
          .addColumn("published_at", types.instant),
      ).execute();
      await db.schema.createIndex("council_papers_list").on("council_papers").columns(["tenant_id", "id"]).execute();
      await db.schema.createIndex("council_papers_reference").on("council_papers").columns(["tenant_id", "reference"]).unique().execute();
      await db.schema.createIndex("council_papers_published").on("council_papers").columns(["tenant_id", "published_at", "id"]).execute();

      await stamps(
        base("council_consultations")
          .addColumn("paper_id", "text", (c) => c.notNull())
          .addColumn("organization_id", "text", (c) => c.notNull())
          // place in the Beratungsfolge (1, 2, …)
          .addColumn("position", "integer", (c) => c.notNull())
          // Vorberatung | Entscheidung | Kenntnisnahme
          .addColumn("role", "text", (c) => c.notNull())
          .addColumn("authoritative", types.flag, (c) => c.notNull().defaultTo(0))
          .addColumn("meeting_id", "text")
          .addColumn("agenda_item_id", "text")
          // wartet (an earlier body still has it) | offen (ready for an agenda) | geplant | beraten
          .addColumn("status", "text", (c) => c.notNull()),
      ).execute();
      await db.schema.createIndex("council_consultations_list").on("council_consultations").columns(["tenant_id", "id"]).execute();
      await db.schema.createIndex("council_consultations_paper").on("council_consultations").columns(["tenant_id", "paper_id", "position"]).execute();
      await db.schema.createIndex("council_consultations_org").on("council_consultations").columns(["tenant_id", "organization_id", "status"]).execute();

      await stamps(
        base("council_meetings")
          .addColumn("organization_id", "text", (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("start_at", types.instant, (c) => c.notNull())
          .addColumn("end_at", types.instant)
          .addColumn("location_id", "text")
          // geplant → eingeladen (invitation published) → durchgefuehrt (results recorded) → abgeschlossen (minutes published)
          .addColumn("state", "text", (c) => c.notNull())
          .addColumn("cancelled", types.flag, (c) => c.notNull().defaultTo(0))
          .addColumn("published_at", types.instant)
          .addColumn("results_published_at", types.instant),
      ).execute();
      await db.schema.createIndex("council_meetings_list").on("council_meetings").columns(["tenant_id", "id"]).execute();
      await db.schema.createIndex("council_meetings_start").on("council_meetings").columns(["tenant_id", "start_at"]).execute();
      await db.schema.createIndex("council_meetings_org").on("council_meetings").columns(["tenant_id", "organization_id", "start_at"]).execute();

      await stamps(
        base("council_agenda_items")
          .addColumn("meeting_id", "text", (c) => c.notNull())
          .addColumn("position", "integer", (c) => c.notNull())
          // "Ö 3.1", "N 1"
          .addColumn("number", "text", (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("public", types.flag, (c) => c.notNull())
          .addColumn("paper_id", "text")
          .addColumn("consultation_id", "text")
          // e.g. "ungeändert beschlossen", "abgelehnt", "zur Kenntnis genommen", "vertagt"
          .addColumn("result", "text")
          .addColumn("resolution_text", "text")
          .addColumn("votes_yes", "integer")
          .addColumn("votes_no", "integer")
          .addColumn("votes_abstain", "integer")
          // JSON: [{ faction: organization id, yes, no, abstain }] where recorded
          .addColumn("votes_by_faction", types.json),
      ).execute();
      await db.schema.createIndex("council_agenda_items_list").on("council_agenda_items").columns(["tenant_id", "id"]).execute();
      await db.schema.createIndex("council_agenda_items_meeting").on("council_agenda_items").columns(["tenant_id", "meeting_id", "position"]).execute();
      await db.schema.createIndex("council_agenda_items_paper").on("council_agenda_items").columns(["tenant_id", "paper_id"]).execute();

      await db.schema
        .createTable("council_attendance")
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("meeting_id", "text", (c) => c.notNull())
        .addColumn("person_id", "text", (c) => c.notNull())
        // anwesend | entschuldigt | abwesend
        .addColumn("status", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("council_attendance_pk", ["meeting_id", "person_id"])
        .execute();

      await stamps(
        base("council_files")
          // paper | meeting | agenda_item
          .addColumn("owner_type", "text", (c) => c.notNull())
          .addColumn("owner_id", "text", (c) => c.notNull())
          // main | auxiliary | invitation | minutes | resolution
          .addColumn("role", "text", (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("file_name", "text", (c) => c.notNull())
          .addColumn("mime_type", "text", (c) => c.notNull())
          .addColumn("size", "integer", (c) => c.notNull())
          .addColumn("sha1", "text", (c) => c.notNull())
          .addColumn("sha512", "text", (c) => c.notNull())
          .addColumn("storage_key", "text", (c) => c.notNull())
          .addColumn("date", "text")
          // pending | ok | none (no extractable text: published, but not searchable) | failed
          .addColumn("text_status", "text", (c) => c.notNull())
          .addColumn("text", "text"),
      ).execute();
      await db.schema.createIndex("council_files_list").on("council_files").columns(["tenant_id", "id"]).execute();
      await db.schema.createIndex("council_files_owner").on("council_files").columns(["tenant_id", "owner_type", "owner_id"]).execute();

      await db.schema
        .createTable("council_counters")
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("year", "integer", (c) => c.notNull())
        .addColumn("value", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("council_counters_pk", ["tenant_id", "year"])
        .execute();

      // E-mail alerts on a saved search: double opt-in (confirmed_at), one-click unsubscribe by token.
      await db.schema
        .createTable("council_alerts")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id").onDelete("cascade"))
        .addColumn("email", "text", (c) => c.notNull())
        .addColumn("query", "text", (c) => c.notNull())
        .addColumn("filters", types.json, (c) => c.notNull())
        .addColumn("token_hash", "text", (c) => c.notNull())
        .addColumn("created_at", types.instant, (c) => c.notNull())
        .addColumn("confirmed_at", types.instant)
        // papers published after this instant are news for the alert
        .addColumn("checked_until", types.instant, (c) => c.notNull())
        .execute();
      await db.schema.createIndex("council_alerts_tenant").on("council_alerts").columns(["tenant_id", "confirmed_at"]).execute();
      // the links in the mails find their alert by the token's hash
      await db.schema.createIndex("council_alerts_token").on("council_alerts").column("token_hash").unique().execute();
    },
  },
];
