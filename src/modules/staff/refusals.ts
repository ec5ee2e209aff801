import type { AppContext } from "../../platform/context.js";
import { TIME_ZONE } from "../../platform/clock.js";
import type { LoginRefusal } from "../../platform/auth/accounts.js";

const timeFormat = new Intl.DateTimeFormat("de-DE", { timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit" });

/** "… gesperrt. Sie können es ab 10:05 Uhr erneut versuchen (in etwa 2 Minuten)." */
export function lockMessage(until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  // Rounded up to the full minute: at the time shown the lock is surely over.
  const shown = new Date(Math.ceil(until.getTime() / 60_000) * 60_000);
  return `Zu viele fehlgeschlagene Versuche: Das Konto ist vorübergehend gesperrt. Sie können es ab ${timeFormat.format(shown)} Uhr erneut versuchen (in etwa ${minutes} ${minutes === 1 ? "Minute" : "Minuten"}).`;
}

/**
 * Audits a refused password or code: who (the account, when the address belongs to one), which
 * factor, why — never what was typed. A lock that starts now gets its own entry.
 */
export async function auditRefusal(ctx: AppContext, result: LoginRefusal, factor: "password" | "totp", action = "staff.login.failed"): Promise<void> {
  const actor = result.accountId ? { type: "staff" as const, id: result.accountId } : { type: "anonymous" as const };
  const object = result.accountId ? { type: "staff-account", id: result.accountId } : undefined;
  await ctx.audit.record({ actor, action, object, fields: [factor], reason: result.reason });
  if (result.reason === "locked" && result.lockedNow) {
    await ctx.audit.record({ actor, action: "staff.login.lockout", object, fields: [factor], reason: `locked until ${result.lockedUntil.toISOString()}` });
  }
}
