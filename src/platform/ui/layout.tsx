import { h, Fragment, raw, type SafeHtml, type Child } from "./jsx.js";
import type { Tenant } from "../tenancy.js";
import type { NavEntry } from "../module.js";

export interface Crumb {
  label: string;
  href?: string;
}

export interface LayoutProps {
  title: string;
  tenant?: Tenant | undefined;
  breadcrumbs?: Crumb[];
  area: "public" | "staff";
  /** navigation entries already filtered for this visitor */
  nav: NavEntry[];
  /** the current path, to mark the active navigation entry */
  currentPath: string;
  staff?: { name: string; csrfToken: string } | undefined;
  /** version suffix for static assets (cache busting) */
  assetVersion: string;
  themeVersion?: string;
  children?: Child;
}

export const tenantPath = (tenant: Tenant, path = "") => `/${tenant.slug}/${path}`;

/** The page frame in KERN UX markup: skip link, landmarks, header with arms, navigation, breadcrumbs, footer. */
export function Layout(p: LayoutProps): SafeHtml {
  const t = p.tenant;
  const base = t ? tenantPath(t) : "/";
  const siteName = t ? `${t.kind} ${t.name}` : "Digitales Rathaus";
  const fullTitle = `${p.title} – ${siteName}`;
  return (
    <Fragment>
      {raw("<!DOCTYPE html>")}
      <html lang="de">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{fullTitle}</title>
          <link rel="stylesheet" href={`/static/kern/kern.min.css?v=${p.assetVersion}`} />
          <link rel="stylesheet" href={`/static/kern/fonts/fira-sans.css?v=${p.assetVersion}`} />
          <link rel="stylesheet" href={`/static/app.css?v=${p.assetVersion}`} />
          {t ? <link rel="stylesheet" href={`${base}theme.css?v=${p.themeVersion ?? "0"}`} /> : null}
          {t ? <link rel="icon" href={`${base}wappen.svg`} type="image/svg+xml" /> : null}
        </head>
        <body className={p.area === "staff" ? "area-staff" : "area-public"}>
          <a className="skip-link" href="#inhalt">Zum Inhalt springen</a>
          <header className="site-header">
            <div className="kern-kopfzeile">
              <div className="kern-container">
                <div className="kern-kopfzeile__content">
                  <span className="kern-kopfzeile__flagge" aria-hidden="true"></span>
                  <span className="kern-kopfzeile__label">
                    {p.area === "staff" ? `Verwaltungsbereich${t ? ` – ${siteName}` : ""}` : t ? `Offizielle Website der ${t.kind === "Gemeinde" ? "Gemeinde" : "Stadt"} ${t.name}` : "Digitales Rathaus"}
                  </span>
                </div>
              </div>
            </div>
            <div className="kern-container site-header__inner">
              <a className="site-brand" href={p.area === "staff" && t ? `${base}verwaltung/` : base}>
                {t ? <img src={`${base}wappen.svg`} alt="" width="40" height="48" className="site-brand__arms" /> : null}
                <span className="site-brand__name">{siteName}</span>
              </a>
              {p.staff ? (
                <form method="post" action="/verwaltung/abmelden" className="site-header__logout">
                  <input type="hidden" name="_csrf" value={p.staff.csrfToken} />
                  <span className="kern-body kern-body--small">Angemeldet: {p.staff.name}</span>{" "}
                  <button type="submit" className="kern-btn kern-btn--tertiary kern-btn--x-small">
                    <span className="kern-label">Abmelden</span>
                  </button>
                </form>
              ) : null}
            </div>
            {p.nav.length > 0 ? (
              <nav className="site-nav" aria-label={p.area === "staff" ? "Verwaltungsnavigation" : "Hauptnavigation"}>
                <div className="kern-container">
                  <ul className="site-nav__list">
                    {p.nav.map((n) => {
                      const href = p.area === "staff" && !t ? `/verwaltung/${n.path}` : `${base}${n.path}`;
                      const active = p.currentPath === href || (n.path !== "" && n.path !== "verwaltung/" && p.currentPath.startsWith(href));
                      return (
                        <li>
                          <a className="site-nav__link" href={href} aria-current={active ? "page" : undefined}>
                            {n.label}
                          </a>
                        </li>
                      );
                    })}
                  </ul>
                </div>
              </nav>
            ) : null}
          </header>
          {p.breadcrumbs && p.breadcrumbs.length > 0 ? (
            <nav className="breadcrumbs kern-container" aria-label="Brotkrümelnavigation">
              <ol className="breadcrumbs__list">
                {p.breadcrumbs.map((c, i) => (
                  <li>
                    {c.href && i < p.breadcrumbs!.length - 1 ? <a className="kern-link" href={c.href}>{c.label}</a> : <span aria-current="page">{c.label}</span>}
                  </li>
                ))}
              </ol>
            </nav>
          ) : null}
          <main id="inhalt" className="kern-container site-main" tabindex="-1">
            {p.children}
          </main>
          <footer className="site-footer">
            <div className="kern-container">
              {t ? (
                <nav aria-label="Service und Rechtliches">
                  <ul className="site-footer__list">
                    <li><a className="kern-link" href={`${base}kontakt`}>Kontakt und Öffnungszeiten</a></li>
                    <li><a className="kern-link" href={`${base}leichte-sprache`}>Leichte Sprache</a></li>
                    <li><a className="kern-link" href={`${base}gebaerdensprache`}>Gebärdensprache</a></li>
                    <li><a className="kern-link" href={`${base}barrierefreiheit`}>Erklärung zur Barrierefreiheit</a></li>
                    <li><a className="kern-link" href={`${base}barrierefreiheit/melden`}>Barriere melden</a></li>
                    <li><a className="kern-link" href={`${base}impressum`}>Impressum</a></li>
                    <li><a className="kern-link" href={`${base}datenschutz`}>Datenschutz</a></li>
                  </ul>
                </nav>
              ) : (
                <nav aria-label="Service">
                  <ul className="site-footer__list">
                    <li><a className="kern-link" href="/">Alle Kommunen</a></li>
                    <li><a className="kern-link" href="/verwaltung/">Verwaltungsbereich</a></li>
                  </ul>
                </nav>
              )}
              <p className="kern-body kern-body--small site-footer__note">
                {t ? `${siteName} · ` : ""}Digitales Rathaus – freie Software unter der EUPL-1.2
              </p>
            </div>
          </footer>
        </body>
      </html>
    </Fragment>
  );
}
