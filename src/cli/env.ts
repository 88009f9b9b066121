// Where each setting comes from, strongest first: flag, environment, config file, default.
import type { ConfigValues } from './config.js';

export interface GlobalFlags {
  portal?: string;
  token?: string;
  dataDir?: string;
  module?: string;
  json?: boolean;
  color?: boolean;
  caFile?: string;
}

export interface Settings {
  /** 'local' or an http(s) URL. */
  portal: string;
  token: string | undefined;
  dataDir: string;
  module: string | undefined;
  json: boolean;
  caFile: string | undefined;
}

export function resolveSettings(
  flags: GlobalFlags,
  env: NodeJS.ProcessEnv,
  config: () => ConfigValues,
  defaultDataDir: () => string,
): Settings {
  let cfg: ConfigValues | undefined;
  const fromConfig = (): ConfigValues => (cfg ??= config());
  const pick = (flag: string | undefined, envName: string, key: keyof ConfigValues): string | undefined =>
    flag ?? (env[envName] || undefined) ?? fromConfig()[key];
  return {
    portal: pick(flags.portal, 'REISSUE_PORTAL', 'portal') ?? 'local',
    token: pick(flags.token, 'REISSUE_TOKEN', 'token'),
    dataDir: pick(flags.dataDir, 'REISSUE_DATA_DIR', 'dataDir') ?? defaultDataDir(),
    module: pick(flags.module, 'REISSUE_PKCS11_MODULE', 'module'),
    json: flags.json === true,
    caFile: flags.caFile,
  };
}
