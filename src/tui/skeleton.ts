// The wizard's first frame (the certificate list while it loads) as a plain string, so the
// launcher can paint it before Ink, React and the portal have loaded. No ink/react/i18next imports:
// this module (with the message catalogs as data) is all the launcher loads before painting. A test
// renders the real wizard and checks that its first frame is exactly this string (so the two
// cannot drift apart), in each language.
import { FIRST_FRAME_CATALOGS, lookup } from '../i18n/catalog.js';
import type { Lang } from '../i18n/language.js';
import { labelWidths, listHeading, listLayout } from '../wizard/list-layout.js';

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
    loading: `(${say('list.loading')})`,
    hint: say('list.hint'),
    footer: [...LIST_HINTS, ...IDLE_TAIL].map((k) => say(`footer.${k}`)).join(' · '),
  };
}

/** Narrower than the header, Ink's layout wraps: no skeleton. */
export function skeletonMinColumns(lang: Lang = 'en'): number {
  const x = texts(lang);
  return TITLE.length + x.connecting.length + x.help.length;
}

/** Ink's truncate-end for these texts (all one column per character). */
function truncate(text: string, width: number): string {
  return [...text].length <= width ? text : `${[...text].slice(0, width - 1).join('')}…`;
}

/** The frame Ink first writes for the wizard at this size (trailing newline included), or null. */
export function skeletonFrame(columns: number, rows: number, opts: SkeletonOptions): string | null {
  const lang = opts.lang ?? 'en';
  const min = skeletonMinColumns(lang);
  if (!(columns >= min && rows >= SKELETON_MIN_ROWS)) return null;
  const x = texts(lang);
  const bold = (s: string) => (opts.styles ? `\u001B[1m${s}\u001B[22m` : s);
  const dim = (s: string) => (opts.styles ? `\u001B[2m${s}\u001B[22m` : s);
  const gap = ' '.repeat(columns - min);
  const header = `${bold(TITLE)}${x.connecting}${gap}${dim(x.help)}`;
  // The pending-revocation line holds one (yellow) space until a certificate is in focus.
  const notice = opts.styles && opts.color ? '\u001B[33m \u001B[39m' : '';
  const headings = listHeading(x.catalog, listLayout(columns, labelWidths(x.catalog)));
  const body = [`${bold(x.title)} ${x.loading}`, dim(truncate(x.hint, columns)), bold(truncate(headings, columns))];
  const bodyHeight = rows - CHROME_ROWS;
  while (body.length < bodyHeight) body.push('');
  return `${[header, notice, ...body, dim(truncate(x.footer, columns))].join('\n')}\n`;
}
