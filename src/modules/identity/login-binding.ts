import type { AppContext } from "../../platform/context.js";
import type { Tenant } from "../../platform/tenancy.js";
import type { IdentityProvider } from "./types.js";

/** The cookie binding a pending login to the browser that started it (citizen and staff logins alike). */
export const LOGIN_BINDING_COOKIE = "rathaus_login";

export function loginBindingCookie(ctx: AppContext, value: string, maxAgeSeconds: number): string {
  return `${LOGIN_BINDING_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${ctx.config.https ? "; Secure" : ""}`;
}

/** The redirect URI of an OIDC provider (the same for both audiences; the callback dispatches). */
export function oidcCallbackUrl(ctx: AppContext, tenant: Tenant, provider: IdentityProvider): string {
  return `${ctx.config.baseUrl}/oidc/${tenant.slug}/${provider.key}/callback`;
}
