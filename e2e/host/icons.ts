/**
 * The icons `@grafana/ui`'s `Icon` asks for, under `<public path>build/img/icons/<set>/<name>.svg`. The package
 * ships a subset of Grafana's icons (`dist/public/img/icons`); Grafana serves the rest from its own build. For an
 * icon outside the subset the host answers the mirror image of its right-hand twin (`angle-double-left`), the
 * loading spinner (which `Icon` turns) or a blank icon, so a page never logs a 404 for an icon.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize, resolve } from 'node:path';

const ICONS = resolve(__dirname, '../../node_modules/@grafana/ui/dist/public/img/icons');

const svg = (body: string) => `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">${body}</svg>`;
const SPINNER = svg('<path d="M12 3a9 9 0 1 0 9 9" fill="none" stroke="currentColor" stroke-width="2"/>');
const BLANK = svg('');

/** The SVG for `relative` (`unicons/angle-down.svg`); undefined for a path that is not an icon of a set. */
export function iconSvg(relative: string): Buffer | undefined {
  const path = normalize(join(ICONS, relative));
  if (!path.startsWith(`${ICONS}/`) || !path.endsWith('.svg')) {
    return undefined;
  }
  if (existsSync(path)) {
    return readFileSync(path);
  }
  const twin = path.replace(/-left\.svg$/, '-right.svg');
  if (twin !== path && existsSync(twin)) {
    const inner = readFileSync(twin, 'utf8').replace(/^[^]*?<svg[^>]*>|<\/svg>\s*$/g, '');
    return Buffer.from(svg(`<g transform="matrix(-1 0 0 1 24 0)">${inner}</g>`));
  }
  return Buffer.from(path.endsWith('/spinner.svg') ? SPINNER : BLANK);
}
