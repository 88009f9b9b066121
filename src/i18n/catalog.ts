// The message catalogs as plain data, one pair of files per language: *.first-frame.json holds
// what the wizard's first frame shows (the launcher paints it from here, before i18next or the
// rest of the catalog loads), the other file everything else. Together they are one catalog.
import enFirstFrame from './locales/en.first-frame.json' with { type: 'json' };
import plFirstFrame from './locales/pl.first-frame.json' with { type: 'json' };
import type { Lang } from './language.js';

export type Catalog = Record<string, unknown>;

/** Just the first frame's messages: small enough for the launcher's start-up path. */
export const FIRST_FRAME_CATALOGS: Record<Lang, Catalog> = { en: enFirstFrame, pl: plFirstFrame };

/** `b` merged into `a`, group by group (a message in both is an error in the catalog files). */
export function mergeCatalogs(a: Catalog, b: Catalog): Catalog {
  const out: Catalog = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = out[key];
    if (mine && typeof mine === 'object' && value && typeof value === 'object') out[key] = mergeCatalogs(mine as Catalog, value as Catalog);
    else if (key in out) throw new Error(`message ${key} is in both catalog files`);
    else out[key] = value;
  }
  return out;
}

/** A message by its dotted key, without plurals or interpolation; the key itself when missing. */
export function lookup(catalog: Catalog, key: string): string {
  const dot = key.lastIndexOf('.');
  const value = (dot < 0 ? catalog : lookupNode(catalog, key.slice(0, dot)))?.[key.slice(dot + 1)];
  return typeof value === 'string' ? value : key;
}

/** Every plural form of a message (key_one, key_few, …), e.g. to size a column for all of them. */
export function pluralForms(catalog: Catalog, key: string): string[] {
  const dot = key.lastIndexOf('.');
  const parent = dot < 0 ? catalog : lookupNode(catalog, key.slice(0, dot));
  const name = key.slice(dot + 1);
  return Object.entries(parent ?? {})
    .filter(([k, v]) => k.startsWith(`${name}_`) && typeof v === 'string')
    .map(([, v]) => v as string);
}

function lookupNode(catalog: Catalog, key: string): Catalog | undefined {
  let node: unknown = catalog;
  for (const part of key.split('.')) node = node && typeof node === 'object' ? (node as Catalog)[part] : undefined;
  return node && typeof node === 'object' ? (node as Catalog) : undefined;
}
