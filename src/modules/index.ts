import type { ModuleManifest } from "../platform/module.js";
import { tenantsModule } from "./tenants/index.js";
import { staffModule } from "./staff/index.js";
import { identityModule } from "./identity/index.js";
import { testIdpModule } from "./testidp/index.js";
import { servicesModule } from "./services/index.js";
import { applicationsModule } from "./applications/index.js";
import { casesModule } from "./cases/index.js";
import { handoffModule } from "./handoff/index.js";
import { recordsModule } from "./records/index.js";
import { councilModule } from "./council/index.js";
import { publishingModule } from "./publishing/index.js";
import { sitesearchModule } from "./sitesearch/index.js";
import { participationModule } from "./participation/index.js";
import { constructionModule } from "./construction/index.js";
import { analyticsModule } from "./analytics/index.js";

/** The platform is built from this list, in this order (migrations, init, routes, navigation). */
export const modules: ModuleManifest[] = [tenantsModule, identityModule, servicesModule, applicationsModule, casesModule, handoffModule, recordsModule, publishingModule, councilModule, participationModule, constructionModule, sitesearchModule, analyticsModule, testIdpModule, staffModule];
