// The wizard's first frame (the certificate list while it loads) as a plain string, so the
// launcher can paint it before Ink, React and the portal have loaded. No ink/react imports: this
// module is all the launcher loads before painting. A test renders the real wizard and checks
// that its first frame is exactly this string (so the two cannot drift apart).

import { CATALOGS } from '../i18n/catalog.js';
import { labelWidths, listHeading, listLayout } from '../wizard/list-layout.js';

export interface SkeletonOptions {
  /** Bold and dim as Ink's chalk would write them (false when chalk's colour level is 0). */
  styles: boolean;
  /** Colours on (the wizard drops them with NO_COLOR; bold and dim stay). */
  color: boolean;
}

const TITLE = 'reissue';
const CONNECTING = ' · connecting to the portal…';
const HELP = ' ? help';
const HINT = 'Press / to filter by CN, domain, order, serial or product';
const FOOTER = '↑↓ PgUp PgDn move · Enter details · / filter · p pending · ? help · q quit';
/** Header (2) and footer (1) around the body; one spare line keeps the frame from scrolling. */
const CHROME_ROWS = 4;

/** Narrower than the header or shorter than the list's chrome, Ink's layout wraps: no skeleton. */
export const SKELETON_MIN_COLUMNS = TITLE.length + CONNECTING.length + HELP.length;
export const SKELETON_MIN_ROWS = CHROME_ROWS + 4;

/** Ink's truncate-end for these texts (all one column per character). */
function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** The frame Ink first writes for the wizard at this size (trailing newline included), or null. */
export function skeletonFrame(columns: number, rows: number, opts: SkeletonOptions): string | null {
  if (!(columns >= SKELETON_MIN_COLUMNS && rows >= SKELETON_MIN_ROWS)) return null;
  const bold = (s: string) => (opts.styles ? `\u001B[1m${s}\u001B[22m` : s);
  const dim = (s: string) => (opts.styles ? `\u001B[2m${s}\u001B[22m` : s);
  const gap = ' '.repeat(columns - SKELETON_MIN_COLUMNS);
  const header = `${bold(TITLE)}${CONNECTING}${gap}${dim(HELP)}`;
  // The pending-revocation line holds one (yellow) space until a certificate is in focus.
  const notice = opts.styles && opts.color ? '\u001B[33m \u001B[39m' : '';
  const catalog = CATALOGS.en;
  const headings = listHeading(catalog, listLayout(columns, labelWidths(catalog)));
  const body = [`${bold('Certificates')} (loading…)`, dim(truncate(HINT, columns)), bold(truncate(headings, columns))];
  const bodyHeight = rows - CHROME_ROWS;
  while (body.length < bodyHeight) body.push('');
  return `${[header, notice, ...body, dim(truncate(FOOTER, columns))].join('\n')}\n`;
}
