/**
 * What the statistics keep of a user agent: whether it is a bot (not counted), the device class
 * and the browser family. The user agent itself is never stored.
 */
const BOT = /bot\b|bot\/|crawl|spider|slurp|bingpreview|facebookexternalhit|embedly|headless|phantomjs|puppeteer|playwright|lighthouse|pagespeed|pingdom|uptime|monitor|statuscake|python-requests|python-urllib|aiohttp|curl\/|wget\/|libwww|httpclient|okhttp|axios\/|node-fetch|undici|go-http-client|java\/|scrapy|feedfetcher|rss|validator|preview|archive\.org|ia_archiver|semrush|ahrefs|mj12|yandex|baiduspider|petalbot|bytespider|gptbot|chatgpt|claudebot|ccbot|applebot/i;

export function isBot(userAgent: string): boolean {
  return userAgent.trim().length < 10 || BOT.test(userAgent);
}

export type Device = "desktop" | "mobil" | "tablet";

export function deviceOf(ua: string): Device {
  if (/ipad|tablet|kindle|silk|playbook|(android(?!.*mobile))/i.test(ua)) return "tablet";
  if (/mobi|iphone|ipod|android.*mobile|windows phone|blackberry|opera mini/i.test(ua)) return "mobil";
  return "desktop";
}

export function browserOf(ua: string): string {
  if (/edg(e|a|ios)?\//i.test(ua)) return "Edge";
  if (/opr\/|opera/i.test(ua)) return "Opera";
  if (/samsungbrowser/i.test(ua)) return "Samsung Internet";
  if (/firefox|fxios/i.test(ua)) return "Firefox";
  if (/chrome|crios|chromium/i.test(ua)) return "Chrome";
  if (/safari/i.test(ua)) return "Safari";
  return "Andere";
}

/** The referrer's domain ("www.google.de" → "google.de"), or undefined for none, our own host or a malformed value. */
export function referrerDomain(referer: string | undefined, ownHost: string | undefined): string | undefined {
  if (!referer) return undefined;
  let host: string;
  try {
    const u = new URL(referer);
    if (u.protocol !== "http:" && u.protocol !== "https:") return undefined;
    host = u.hostname.toLowerCase();
  } catch {
    return undefined;
  }
  const own = ownHost?.toLowerCase().replace(/:\d+$/, "");
  if (own && host === own) return undefined;
  return host.replace(/^www\./, "").slice(0, 253);
}
