import type { RoleDefinition } from "../../platform/module.js";

/** The Bauamt's role: keeps the town's public construction projects. */
export const CONSTRUCTION_ROLE = "bauvorhaben";
export const constructionRole: RoleDefinition = { key: CONSTRUCTION_ROLE, label: "Öffentliche Bauvorhaben" };
