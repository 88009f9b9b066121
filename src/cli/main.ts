// CLI entry (bundled to dist/cli.js). Kept small: each command loads what it needs when it runs.
// `reissue` alone opens the wizard: its first frame is painted before anything else is even
// imported (commander, Ink, React, the portal), so the screen answers at Node's start-up speed.
import { paintSkeleton } from '../tui/first-paint.js';
import { firstFrameLanguage } from './config-path.js';

/** How long the process may take to end by itself after the wizard has ended. */
const WIZARD_EXIT_GRACE_MS = 500;

const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
const wizard = process.argv.length <= 2 && (await paintSkeleton(io, firstFrameLanguage(io.env)));
// Before anything else runs (the skeleton above is only for `reissue` alone): a --token value (or
// `config set token T`), or a password in a URL, leaves the process list.
if (process.argv.some((a) => /^(--(token|portal|smtp)(=|$)|set$)/.test(a))) await import('./hide-secrets.js');
// With the skeleton up: the portal and the first page of certificates, painted as the list before
// commander, Ink and React load (wizard-start.ts).
const start = wizard ? await (await import('./wizard-start.js')).startWizardEarly(io) : null;
const { runCli } = await import('./cli.js');
process.exitCode = await runCli(io, process.argv, start);
// The wizard has ended and its last frame says what happened: a request the portal never answers
// (a hung submission, a page) must not keep the process alive for its timeout and retries.
if (process.argv.length <= 2) setTimeout(() => process.exit(), WIZARD_EXIT_GRACE_MS).unref();
