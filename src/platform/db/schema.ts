/**
 * The database's table types. Each module adds its tables by augmenting this interface
 * (`declare module "../../platform/db/schema.js" { interface Database { … } }`), so every
 * table is declared next to the migrations of the module that owns it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface Database {}
