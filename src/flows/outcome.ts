// How an interrupted card flow ends, in the same words and exit status for the CLI and the wizard.

/** The shells' exit status for Ctrl+C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** Ctrl+C before the key pair existed: the card removed anything half-made, the portal saw nothing. */
export const CANCELLED_LINE = 'Cancelled: nothing was generated or issued.';

/** Ctrl+C twice after the key pair existed: what is left and the exact command that finishes it. */
export function stoppedLines(submitCommand: string): string {
  return `Stopped before the portal answered. The key pair stays on the card; submit its CSR later (it cannot issue a second copy):\n  ${submitCommand}`;
}

/** Ctrl+C twice while the portal issued: the answer never came, so say how to find it out. */
export function unansweredLines(certificateId: string): string {
  return `Stopped before the portal answered: the new copy may have been issued. If it was, this shows it under "Replaced by":\n  reissue show ${certificateId}`;
}
