import type { Migration } from "../../../platform/db/migrate.js";

/** Tables of the Fediverse part: keys, followers, deliveries, Mastodon accounts (being built: issue 7). */
export const fediverseMigrations: Migration[] = [];
