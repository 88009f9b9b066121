// reissue config get|set|unset|path
import type { Command } from 'commander';
import { printJson, printText } from '../output.js';
import type { Registrar } from '../program.js';
import { t } from '../../i18n/i18n.js';
import { resolveLanguage } from '../../i18n/language.js';
import { hasUrlCredentials, maskToken, redactUrl } from '../../util/redact.js';
import { portalCredentialsRefused } from '../context.js';
import type { ConfigValues } from '../config-file.js';

// Reading needs only the file; conf (which writes it atomically, mode 0600) loads to change it.
const loadConfigFile = () => import('../config-file.js');
const loadConfig = () => import('../config.js');

export function registerConfigCommands(program: Command, r: Registrar): void {
  const config = program.command('config').description(t('cli.config.description'));

  config
    .command('get')
    .argument('[KEY]')
    .description(t('cli.config.get'))
    .action(
      r.action(async (ctx, key: string | undefined) => {
        const { readConfigValues, assertConfigKey } = await loadConfigFile();
        const shown = shownSettings(await readConfigValues());
        if (key) {
          const value = shown[assertConfigKey(key)];
          if (ctx.settings.json) return printJson(ctx, value ?? null);
          if (value !== undefined) printText(ctx, value);
          return value === undefined ? 1 : 0;
        }
        if (ctx.settings.json) return printJson(ctx, shown);
        printText(ctx, Object.entries(shown).map(([k, v]) => `${k}=${v}`).join('\n') || t('cli.config.none'));
      }),
    );

  config
    .command('set')
    .argument('<KEY>')
    .argument('<VALUE>')
    .description(t('cli.config.set'))
    .action(
      r.action(async (_ctx, key: string, value: string) => {
        const [{ assertConfigKey, readConfigValues }, { openConfig }] = await Promise.all([loadConfigFile(), loadConfig()]);
        await readConfigValues(); // a file it cannot read is reported, never rewritten
        // A language we do not have would stop every later command: refuse it now.
        if (key === 'lang') resolveLanguage({ env: {}, config: value });
        // The portal signs in with the token: a password in its URL would be stored and shown.
        if (key === 'portal' && hasUrlCredentials(value)) throw portalCredentialsRefused(redactUrl(value));
        // The ACME settings that every later command would trip over: checked now.
        if (key === 'acmeRevokeAfterDays') (await import('../../domain/policy.js')).parseRevokeAfterDays(value);
        if (key === 'acmeHttpAddress') (await import('../../portal/acme/challenges.js')).parseListenAddress(value);
        if (key === 'acmeChallenge') (await import('../../portal/acme/challenges.js')).parseChallenge(value);
        openConfig().set(assertConfigKey(key), value);
      }),
    );

  config
    .command('unset')
    .argument('<KEY>')
    .description(t('cli.config.unset'))
    .action(
      r.action(async (_ctx, key: string) => {
        const [{ assertConfigKey, readConfigValues }, { openConfig }] = await Promise.all([loadConfigFile(), loadConfig()]);
        await readConfigValues(); // a file it cannot read is reported, never rewritten
        openConfig().delete(assertConfigKey(key));
      }),
    );

  config
    .command('path')
    .description(t('cli.config.path'))
    .action(
      r.action(async (ctx) => {
        printText(ctx, (await loadConfigFile()).configFilePath());
      }),
    );
}

/** The settings as shown (text and --json alike): the token masked, passwords in URLs hidden. */
function shownSettings(store: ConfigValues): ConfigValues {
  return {
    ...store,
    ...(store.token !== undefined ? { token: maskToken(store.token) } : {}),
    ...(store.portal !== undefined ? { portal: redactUrl(store.portal) } : {}),
    ...(store.smtp !== undefined ? { smtp: redactUrl(store.smtp, true) } : {}),
  };
}
