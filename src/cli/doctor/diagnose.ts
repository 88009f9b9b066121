// Gathers the Diagnosis: each part on its own, so one that fails (a broken settings file, an
// unreachable portal, a module that does not load) is recorded and the others still run.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { isReissueError } from '../../domain/errors.js';
import { language } from '../../i18n/i18n.js';
import type { CliContext } from '../context.js';
import { readLastErrors } from '../last-errors.js';
import type { Diagnosis, ErrorInfo } from './diagnosis.js';
import { versions } from './versions.js';

export function errorInfo(e: unknown): ErrorInfo {
  if (isReissueError(e)) return { code: e.code, message: e.message, hint: e.hint ?? null };
  return { code: 'unexpected', message: e instanceof Error ? e.message : String(e), hint: null };
}

const exists = (path: string, mode = constants.F_OK) =>
  access(path, mode).then(
    () => true,
    () => false,
  );

export async function diagnose(ctx: CliContext): Promise<Diagnosis> {
  const s = ctx.settings;
  const [configFile, dataDir, lastErrors] = await Promise.all([configFileState(), dataDirState(s.dataDir), readLastErrors()]);
  const local = ctx.isLocalPortal;
  const [portal, card] = await Promise.all([portalState(ctx, local && !dataDir.hasPortal), cardState(ctx)]);
  return {
    generatedAt: new Date().toISOString(),
    versions: await versions(local),
    language: language(),
    simulatedDate: ctx.simulatedDate?.toISOString() ?? null,
    settings: { portal: s.portal, dataDir: s.dataDir, module: s.module ?? null, caFile: s.caFile ?? null, tokenSet: Boolean(s.token) },
    configFile,
    dataDir,
    portal,
    card,
    lastErrors,
  };
}

async function configFileState(): Promise<Diagnosis['configFile']> {
  const { configFilePath, readConfigValues } = await import('../config-file.js');
  const path = configFilePath();
  try {
    const values = await readConfigValues();
    return { path, exists: await exists(path), keys: Object.keys(values), error: null };
  } catch (e) {
    return { path, exists: true, keys: [], error: errorInfo(e) };
  }
}

async function dataDirState(path: string): Promise<Diagnosis['dataDir']> {
  const present = await exists(path);
  return { path, exists: present, writable: present && (await exists(path, constants.W_OK)), hasPortal: await exists(join(path, 'portal.sqlite')) };
}

/** Opens the portal as the commands do; an embedded sandbox that does not exist yet is not created. */
async function portalState(ctx: CliContext, notCreatedYet: boolean): Promise<Diagnosis['portal']> {
  const address = ctx.settings.portal;
  const none = { address, reachable: false, tokenAccepted: null, name: null, certificates: null, error: null };
  if (notCreatedYet) return none;
  try {
    const portal = await ctx.portal();
    const info = await portal.info();
    const certificates = await portal.count({});
    return { ...none, reachable: true, tokenAccepted: ctx.isLocalPortal ? null : true, name: info.name, certificates };
  } catch (e) {
    const error = errorInfo(e);
    // A refused token means the portal answered.
    const refused = error.code === 'unauthorized' || error.code === 'forbidden';
    return { ...none, reachable: refused, tokenAccepted: refused ? false : null, error };
  }
}

/** The PKCS#11 modules and readers the card layer sees, or why it could not look. */
export async function cardState(ctx: CliContext): Promise<Diagnosis['card']> {
  try {
    const inventory = await (await ctx.card()).inventory();
    return { ...inventory, error: null };
  } catch (e) {
    return { modules: [], readers: [], error: errorInfo(e) };
  }
}

