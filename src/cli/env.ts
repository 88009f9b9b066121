// Where each setting comes from, strongest first: flag, environment, config file, default.
import type { ConfigValues } from './config-file.js';
import { resolveLanguage, type Lang } from '../i18n/language.js';
import { hasUrlCredentials, redactUrl } from '../util/redact.js';

export interface GlobalFlags {
  portal?: string;
  token?: string;
  /** --token-file F: the token is the file's first line (read by loadSettings). */
  tokenFile?: string;
  dataDir?: string;
  module?: string;
  json?: boolean;
  color?: boolean;
  caFile?: string;
  lang?: string;
  allowInsecureHttp?: boolean;
  /** --certum-password-file F: the Certum partner's password is the file's first line (0600). */
  certumPasswordFile?: string;
  /** The ACME portal's challenges: --challenge, --http-address, --webroot, --dns-hook. */
  challenge?: string;
  httpAddress?: string;
  webroot?: string;
  dnsHook?: string;
}

export interface Settings {
  /** 'local' or an http(s) URL, with any user name or password in it hidden (safe to print). */
  portal: string;
  /** The portal URL as given carried a user name or password: refused when the portal is opened. */
  portalCredentials: boolean;
  token: string | undefined;
  dataDir: string;
  module: string | undefined;
  json: boolean;
  caFile: string | undefined;
  lang: Lang;
  /** --allow-insecure-http: a token may go over plain http to another host. */
  allowInsecureHttp: boolean;
  /** --certum-password-file F (read only when a certum portal is opened). */
  certumPasswordFile?: string;
  /** The ACME portal's challenges (flags, then the config file's acme* keys) and revocation delay. */
  acme: { challenge?: string; httpAddress?: string; webroot?: string; dnsHook?: string; revokeAfterDays?: string };
}

/** The config file is read only when a flag or variable leaves a setting open. */
export async function resolveSettings(
  flags: GlobalFlags,
  env: NodeJS.ProcessEnv,
  config: () => Promise<ConfigValues>,
  defaultDataDir: () => Promise<string>,
): Promise<Settings> {
  let cfg: ConfigValues | undefined;
  const pick = async (flag: string | undefined, envName: string, key: keyof ConfigValues): Promise<string | undefined> =>
    flag ?? (env[envName] || undefined) ?? (cfg ??= await config())[key];
  const portal = (await pick(flags.portal, 'REISSUE_PORTAL', 'portal')) ?? 'local';
  return {
    // A password in the URL would reach errors, doctor bundles and logs: only its redacted form is kept.
    // certum:URL carries its endpoint after the kind's name.
    portal: portal.replace(/^(certum:)?(.*)$/is, (_all, kind: string | undefined, url: string) => `${kind ?? ''}${redactUrl(url)}`),
    portalCredentials: hasUrlCredentials(portal.replace(/^certum:/i, '')),
    token: await pick(flags.token, 'REISSUE_TOKEN', 'token'),
    dataDir: (await pick(flags.dataDir, 'REISSUE_DATA_DIR', 'dataDir')) ?? (await defaultDataDir()),
    module: await pick(flags.module, 'REISSUE_PKCS11_MODULE', 'module'),
    json: flags.json === true,
    caFile: flags.caFile,
    // The config file only when neither --lang nor REISSUE_LANG decides (then the locale variables).
    lang: resolveLanguage({ flag: flags.lang, env, config: flags.lang || env.REISSUE_LANG ? undefined : (cfg ??= await config()).lang }),
    allowInsecureHttp: flags.allowInsecureHttp === true,
    certumPasswordFile: flags.certumPasswordFile,
    // Read only for an ACME portal: other kinds never open the config file for these.
    acme: /^acme:/i.test(portal)
      ? {
          challenge: await pick(flags.challenge, 'REISSUE_ACME_CHALLENGE', 'acmeChallenge'),
          httpAddress: await pick(flags.httpAddress, 'REISSUE_ACME_HTTP_ADDRESS', 'acmeHttpAddress'),
          webroot: await pick(flags.webroot, 'REISSUE_ACME_WEBROOT', 'acmeWebroot'),
          dnsHook: await pick(flags.dnsHook, 'REISSUE_ACME_DNS_HOOK', 'acmeDnsHook'),
          revokeAfterDays: await pick(undefined, 'REISSUE_ACME_REVOKE_AFTER_DAYS', 'acmeRevokeAfterDays'),
        }
      : {},
  };
}

/** The settings for these flags, the config file read (as plain JSON) only if needed. */
export async function loadSettings(flags: GlobalFlags, env: NodeJS.ProcessEnv): Promise<Settings> {
  const config = () => import('./config-file.js');
  const token = flags.tokenFile ? await (await import('./token-file.js')).readTokenFile(flags.tokenFile, flags.token) : flags.token;
  return resolveSettings({ ...flags, token }, env, async () => (await config()).readConfigValues(), async () => (await config()).defaultDataDir());
}
