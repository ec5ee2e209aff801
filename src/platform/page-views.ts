/**
 * A public page was served: what the analytics module counts. The platform calls the sink after
 * the response has been sent (onResponse), so counting never delays or breaks a page; the sink
 * only buffers (the analytics module writes in batches through the job queue).
 */
export interface PageView {
  tenantId: string;
  /** the path as served, without query, e.g. "/usingen/dienste/meldebescheinigung" */
  path: string;
  /** the tenant's slug (to strip it from the path) */
  slug: string;
  at: Date;
  ip: string;
  userAgent: string;
  referer: string | undefined;
  /** the host the page was served on (a referer from it is not an external referrer) */
  host: string | undefined;
  /** Do Not Track (DNT: 1) or Global Privacy Control (Sec-GPC: 1) was sent */
  optOut: boolean;
}

export interface PageViewSink {
  record(view: PageView): void;
}
