// The completion scripts, kept as shell files (checked with bash -n, zsh -n, fish -n) and bundled
// as text (scripts/build.mjs: loader).
import bash from './scripts/reissue.bash';
import fish from './scripts/reissue.fish';
import zsh from './scripts/reissue.zsh';

export const SCRIPTS = { bash, zsh, fish } as const;
