// reissue --version (-V): the version; with --json, what it runs on as `doctor` sees it: Node, the
// native addons, SQLite, and the PKCS#11 modules in use (loaded by the card worker).
import { createContext, type Io } from './context.js';
import { cardState } from './doctor/diagnose.js';
import { versions } from './doctor/versions.js';
import { loadSettings, type GlobalFlags } from './env.js';
import { printJson } from './output.js';

export async function printVersion(io: Io, flags: GlobalFlags): Promise<void> {
  if (!flags.json) {
    io.stdout.write(`${(await versions(false)).reissue}\n`);
    return;
  }
  const ctx = createContext(await loadSettings(flags, io.env), io);
  try {
    const [found, card] = await Promise.all([versions(true), cardState(ctx)]);
    printJson(ctx, { ...found, pkcs11: { modules: card.modules, error: card.error } });
  } finally {
    await ctx.close();
  }
}
