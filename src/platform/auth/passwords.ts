import { scrypt as scryptCb, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

/** Password hashing (scrypt), the password policy, one-time passwords and the lock back-off. */

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, 32, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const actual = await scrypt(password, Buffer.from(salt, "base64url"), expected.length, {
    N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024,
  });
  return timingSafeEqual(expected, actual);
}

export class PasswordPolicyError extends Error {}

export function checkPasswordPolicy(password: string): void {
  if (password.length < 12) throw new PasswordPolicyError("Das Passwort muss mindestens 12 Zeichen lang sein.");
  if (password.length > 200) throw new PasswordPolicyError("Das Passwort darf höchstens 200 Zeichen lang sein.");
}

/** A one-time password an admin hands over: 16 letters and digits without look-alikes, in groups of four. */
export function generateOneTimePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const chars = Array.from({ length: 16 }, () => alphabet[randomInt(alphabet.length)]!);
  return chars.join("").replace(/(.{4})(?=.)/g, "$1-");
}

/** Failures in a row before the first lock. */
export const LOCK_AFTER_FAILURES = 5;
const MAX_LOCK_MINUTES = 60;

/** Lock length after the n-th failure in a row: 1 minute at the fifth, doubling with each further one, at most an hour. */
export function lockMinutes(failuresInARow: number): number {
  if (failuresInARow < LOCK_AFTER_FAILURES) return 0;
  return Math.min(MAX_LOCK_MINUTES, 2 ** (failuresInARow - LOCK_AFTER_FAILURES));
}

/** Verified against when an address has no account, so timing does not reveal which addresses exist. */
export const DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
