// The certificate list's columns at a terminal width. Pure and free of the i18n library, so the
// launcher's skeleton (painted before anything else loads) lays out its heading the same way.
// State and badge keep their full width in every language (they are what a row is about); CN and
// product share what is left; from 100 columns on the product widens and a serial column appears.
import { lookup, pluralForms, type Catalog } from '../i18n/catalog.js';

export interface ListLayout {
  cn: number;
  state: number;
  product: number;
  validTo: number;
  badge: number;
  /** 0: no serial column. */
  serial: number;
}

export interface ListCells {
  cn: string;
  state: string;
  product: string;
  validTo: string;
  badge: string;
  serial: string;
}

/** Widest state label and widest badge of the language: the columns that never shrink. */
export interface LabelWidths {
  state: number;
  badge: number;
}

export const WIDE_COLUMNS = 100;
const DATE = 10;
const MIN_CN = 6;
const MIN_PRODUCT = 4;
const SERIAL = 16;
const CN_AT_MOST = 28;

export function listLayout(columns: number, labels: LabelWidths): ListLayout {
  // One column spare: a line that fills the last column makes some terminals wrap.
  const width = Math.max(0, columns - 1);
  // Marker and space, then one space after each of CN, state, product and date.
  const fixed = 2 + 4 + labels.state + DATE + labels.badge;
  let flexible = Math.max(0, width - fixed);
  let serial = 0;
  if (columns >= WIDE_COLUMNS) {
    serial = SERIAL;
    flexible -= SERIAL + 1;
  }
  let cn = Math.max(MIN_CN, Math.ceil(flexible * 0.53));
  if (columns >= WIDE_COLUMNS) cn = Math.min(Math.max(22, Math.ceil(flexible * 0.4)), CN_AT_MOST);
  let product = flexible - cn - 0;
  if (product < MIN_PRODUCT) {
    cn = Math.max(MIN_CN, flexible);
    product = 0;
  }
  return { cn, state: labels.state, product, validTo: DATE, badge: labels.badge, serial };
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const length = (text: string) => (PRINTABLE_ASCII.test(text) ? text.length : [...text].length);

/** `text` cut to `width` characters with an ellipsis, or padded to exactly `width`. */
export function fitCell(text: string, width: number): string {
  if (width <= 0) return '';
  const n = length(text);
  if (n <= width) return text + ' '.repeat(width - n);
  return [...text].slice(0, width - 1).join('') + '…';
}

/** One list line: the marker, then each column (a product of width 0 is left out). */
export function layoutLine(layout: ListLayout, marker: string, cells: ListCells): string {
  const parts = [marker, fitCell(cells.cn, layout.cn), fitCell(cells.state, layout.state)];
  if (layout.product > 0) parts.push(fitCell(cells.product, layout.product));
  parts.push(fitCell(cells.validTo, layout.validTo), fitCell(cells.badge, layout.badge));
  if (layout.serial > 0) parts.push(fitCell(cells.serial, layout.serial));
  return parts.join(' ').trimEnd();
}

/** Where the state cell starts in a line (to colour it). */
export function stateOffset(layout: ListLayout, marker: string): number {
  return length(marker) + 1 + layout.cn + 1;
}

/** The widths of the state labels and of the badge ("revoked in 14 d", 14 days at most) in a catalog. */
export function labelWidths(catalog: Catalog): LabelWidths {
  const state = Math.max(...['valid', 'revoked', 'expired'].map((k) => length(lookup(catalog, `state.${k}`))));
  const badge = Math.max(...pluralForms(catalog, 'format.badge').map((form) => length(form.replace('{{count}}', '14'))));
  return { state, badge };
}

/** The narrowest list: marker, the smallest CN, state, date and badge whole, and the spare column. */
export function listMinColumns(labels: LabelWidths): number {
  return 2 + MIN_CN + 1 + labels.state + 1 + DATE + 1 + labels.badge + 1;
}

/**
 * A line of hints ("↑↓ move · Enter details · …") in `columns`: whole hints from the first, the
 * ones that do not fit left out rather than cut mid-word (the first one is cut if it must be).
 */
export function fitHints(hints: readonly string[], columns: number): string {
  let line = '';
  for (const hint of hints) {
    const next = line ? `${line} · ${hint}` : hint;
    if (length(next) > columns) break;
    line = next;
  }
  return line || fitCell(hints[0] ?? '', columns).trimEnd();
}

/** The column headings, aligned with the rows. */
export function listHeading(catalog: Catalog, layout: ListLayout): string {
  const h = (key: keyof ListCells) => lookup(catalog, `list.heading.${key}`);
  return layoutLine(layout, ' ', { cn: h('cn'), state: h('state'), product: h('product'), validTo: h('validTo'), badge: h('badge'), serial: h('serial') });
}
