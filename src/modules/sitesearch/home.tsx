import { h } from "../../platform/ui/jsx.js";
import type { HomeSection } from "../../platform/module.js";
import { searchKinds } from "./service.js";
import { HomeSearchBox } from "./views.js";

/** "Suche im Rathaus" at the top of the municipality's home page: a plain GET form to /{slug}/suche. */
export const searchHomeSection: HomeSection = {
  order: 0,
  async render(ctx, tenant) {
    const kinds = searchKinds(ctx);
    if (kinds.length === 0) return null;
    return { heading: "Suche im Rathaus", body: <HomeSearchBox tenant={tenant} kinds={kinds} /> };
  },
};
