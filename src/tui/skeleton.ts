// The wizard's first frame (the certificate list while it loads) as a plain string, so the
// launcher can paint it before Ink, React and the portal have loaded. No ink/react/i18next imports:
// this module (with the message catalogs as data) is all the launcher loads before painting. A test
// renders the real wizard and checks that its first frame is exactly this string (so the two
// cannot drift apart), in each language.
import { FIRST_FRAME_CATALOGS, lookup } from '../i18n/catalog.js';
import type { Lang } from '../i18n/language.js';
import { fitHints, labelWidths, listHeading, listLayout, listMinColumns } from '../wizard/list-layout.js';

export interface SkeletonOptions {
  /** Bold and dim as Ink's chalk would write them (false when chalk's colour level is 0). */
  styles: boolean;
  /** Colours on (the wizard drops them with NO_COLOR; bold and dim stay). */
  color: boolean;
  /** The wizard's language (English when not given). */
  lang?: Lang;
}

const TITLE = 'reissue';
/** The list's footer hints (footer.ts shows the same, with the tail below). */
export const LIST_HINTS = ['move', 'details', 'filter', 'pending'] as const;
export const IDLE_TAIL = ['help', 'quit'] as const;
/** Header (2) and footer (1) around the body; one spare line keeps the frame from scrolling. */
const CHROME_ROWS = 4;
export const SKELETON_MIN_ROWS = CHROME_ROWS + 4;

function texts(lang: Lang) {
  const catalog = FIRST_FRAME_CATALOGS[lang];
  const say = (key: string) => lookup(catalog, key);
  return {
    catalog,
    connecting: ` · ${say('header.connecting')}`,
    help: ` ${say('header.help')}`,
    title: say('list.title'),
    loading: say('list.loading'),
    hint: say('list.hint'),
    footer: [...LIST_HINTS, ...IDLE_TAIL].map((k) => say(`footer.${k}`)),
  };
}

/** Narrower than the header, Ink's layout wraps; narrower than the list's columns, the wizard asks for a larger window: no skeleton. */
export function skeletonMinColumns(lang: Lang = 'en'): number {
  const x = texts(lang);
  return Math.max(TITLE.length + x.connecting.length + x.help.length, listMinColumns(labelWidths(x.catalog)));
}

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
/** The colours list-view.ts puts in a row's state cell: not columns. */
const SGR = /\u001B\[[0-9;]*m/g;

/** What the list frame holds besides its fixed texts (see list-view.ts for the list part). */
export interface ListFrameContent {
  /** The portal's name in the header; null while connecting. */
  portalName: string | null;
  /** Before the portal's name (yellow, bold) when the portal runs at a simulated date, else null. */
  simulated: string | null;
  /** The pending-revocation line (yellow), or null for its blank placeholder. */
  notice: string | null;
  /** After the title, e.g. "loading…" or "1–6 of 6". */
  count: string;
  /** The visible rows, already cut to the width (the state cell maybe coloured); `selected` in inverse. */
  lines: string[];
  selected: number;
  /** The footer's hints. */
  footer: string[];
}

/**
 * The list frame as Ink writes it at this size (trailing newline included), or null when Ink
 * would have to wrap or cut something these fixed rules do not (then the caller paints nothing).
 */
export function listFrame(columns: number, rows: number, content: ListFrameContent, opts: SkeletonOptions): string | null {
  const lang = opts.lang ?? 'en';
  if (!(columns >= skeletonMinColumns(lang) && rows >= SKELETON_MIN_ROWS)) return null;
  const x = texts(lang);
  const bold = (s: string) => (opts.styles ? `\u001B[1m${s}\u001B[22m` : s);
  const dim = (s: string) => (opts.styles ? `\u001B[2m${s}\u001B[22m` : s);
  const yellow = (s: string) => (opts.styles && opts.color ? `\u001B[33m${s}\u001B[39m` : s);
  const plain = [content.portalName ?? '', content.simulated ?? '', content.notice ?? '', content.count, ...content.footer, ...content.lines.map((l) => l.replace(SGR, ''))];
  if (!plain.every((t) => ONE_COLUMN.test(t))) return null;
  const title = content.portalName === null ? x.connecting : ` · ${content.simulated ?? ''}${content.portalName}`;
  const gapWidth = columns - TITLE.length - [...title].length - x.help.length;
  if (gapWidth < 0) return null;
  const simulated = content.simulated && content.portalName !== null ? bold(yellow(content.simulated)) : '';
  const titleText = content.portalName === null ? x.connecting : ` · ${simulated}${content.portalName}`;
  const header = `${bold(TITLE)}${titleText}${' '.repeat(gapWidth)}${dim(x.help)}`;
  // The pending-revocation line holds one (yellow) space until a certificate is in focus.
  const notice = content.notice === null ? (opts.styles && opts.color ? yellow(' ') : '') : yellow(truncate(content.notice, columns));
  const countLine = `${bold(x.title)} (${content.count})`;
  if ([...`${x.title} (${content.count})`].length > columns) return null;
  const rowLines = content.lines.map((line, i) => (i === content.selected && opts.styles ? `\u001B[7m${line}\u001B[27m` : line));
  const headings = listHeading(x.catalog, listLayout(columns, labelWidths(x.catalog)));
  const body = [countLine, dim(truncate(x.hint, columns)), bold(truncate(headings, columns)), ...rowLines];
  const bodyHeight = rows - CHROME_ROWS;
  if (body.length > bodyHeight) return null;
  while (body.length < bodyHeight) body.push('');
  return `${[header, notice, ...body, dim(fitHints(content.footer, columns))].join('\n')}\n`;
}

/** The frame Ink first writes for the wizard at this size (trailing newline included), or null. */
export function skeletonFrame(columns: number, rows: number, opts: SkeletonOptions): string | null {
  const x = texts(opts.lang ?? 'en');
  return listFrame(columns, rows, { portalName: null, simulated: null, notice: null, count: x.loading, lines: [], selected: -1, footer: x.footer }, opts);
}
