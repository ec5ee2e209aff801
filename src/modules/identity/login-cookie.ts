import type { AppContext } from "../../platform/context.js";

/** The cookie binding a pending login to the browser that started it (citizen and staff logins alike). */
export const LOGIN_BINDING_COOKIE = "rathaus_login";

export function loginBindingCookie(ctx: AppContext, value: string, maxAgeSeconds: number): string {
  return `${LOGIN_BINDING_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${ctx.config.https ? "; Secure" : ""}`;
}
