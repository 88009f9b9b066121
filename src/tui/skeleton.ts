// The wizard's first frame (the certificate list while it loads) as a plain string, so the
// launcher can paint it before Ink, React and the portal have loaded. No ink/react imports: this
// module is all the launcher loads before painting. A test renders the real wizard and checks
// that its first frame is exactly this string (so the two cannot drift apart).

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
const COLUMNS = '  CN                     State   Product             Valid to   Revocation';
const FOOTER = '↑↓ PgUp PgDn move · Enter details · / filter · p pending · ? help · q quit';
/** Header (2) and footer (1) around the body; one spare line keeps the frame from scrolling. */
const CHROME_ROWS = 4;

/** Narrower than the header or shorter than the list's chrome, Ink's layout wraps: no skeleton. */
export const SKELETON_MIN_COLUMNS = TITLE.length + CONNECTING.length + HELP.length;
export const SKELETON_MIN_ROWS = CHROME_ROWS + 4;

/** Ink's truncate-end for these texts (all one column per character). */
function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}

/**
 * Text whose every character takes one column (Latin scripts and the wizard's few symbols): the
 * only text these rules measure correctly; anything else (CJK, emoji) is left to Ink.
 */
const ONE_COLUMN = /^[\u0020-\u007e\u00a0-\u10ff–—…·↑↓⚠]*$/u;

/** What the list frame holds besides its fixed texts (see list-view.ts for the list part). */
export interface ListFrameContent {
  /** The portal's name in the header; null while connecting. */
  portalName: string | null;
  /** The pending-revocation line (yellow), or null for its blank placeholder. */
  notice: string | null;
  /** After the title, e.g. "loading…" or "1–6 of 6". */
  count: string;
  /** The visible rows, already cut to the width; `selected` in inverse. */
  lines: string[];
  selected: number;
  /** The footer's hints, joined. */
  footer: string;
}

/**
 * The list frame as Ink writes it at this size (trailing newline included), or null when Ink
 * would have to wrap or cut something these fixed rules do not (then the caller paints nothing).
 */
export function listFrame(columns: number, rows: number, content: ListFrameContent, opts: SkeletonOptions): string | null {
  if (!(columns >= SKELETON_MIN_COLUMNS && rows >= SKELETON_MIN_ROWS)) return null;
  const bold = (s: string) => (opts.styles ? `\u001B[1m${s}\u001B[22m` : s);
  const dim = (s: string) => (opts.styles ? `\u001B[2m${s}\u001B[22m` : s);
  const texts = [content.portalName ?? '', content.notice ?? '', content.count, content.footer, ...content.lines];
  if (!texts.every((t) => ONE_COLUMN.test(t))) return null;
  const title = content.portalName === null ? CONNECTING : ` · ${content.portalName}`;
  const gapWidth = columns - TITLE.length - [...title].length - HELP.length;
  if (gapWidth < 0) return null;
  const header = `${bold(TITLE)}${title}${' '.repeat(gapWidth)}${dim(HELP)}`;
  // The pending-revocation line holds one (yellow) space until a certificate is in focus.
  const yellow = (s: string) => (opts.styles && opts.color ? `\u001B[33m${s}\u001B[39m` : s);
  const notice = content.notice === null ? (opts.styles && opts.color ? yellow(' ') : '') : yellow(truncate(content.notice, columns));
  const countLine = `${bold('Certificates')} (${content.count})`;
  if ([...`Certificates (${content.count})`].length > columns) return null;
  const rowLines = content.lines.map((line, i) => (i === content.selected && opts.styles ? `\u001B[7m${line}\u001B[27m` : line));
  const body = [countLine, dim(truncate(HINT, columns)), bold(truncate(COLUMNS, columns)), ...rowLines];
  const bodyHeight = rows - CHROME_ROWS;
  if (body.length > bodyHeight) return null;
  while (body.length < bodyHeight) body.push('');
  return `${[header, notice, ...body, dim(truncate(content.footer, columns))].join('\n')}\n`;
}

/** The frame Ink first writes for the wizard at this size (trailing newline included), or null. */
export function skeletonFrame(columns: number, rows: number, opts: SkeletonOptions): string | null {
  return listFrame(columns, rows, { portalName: null, notice: null, count: 'loading…', lines: [], selected: -1, footer: FOOTER }, opts);
}
