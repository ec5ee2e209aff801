import type { Migration } from "../../platform/db/migrate.js";

/** Tables of news, announcements, attachments and event rules (being built: issue 7). */
export const publishingMigrations: Migration[] = [];
