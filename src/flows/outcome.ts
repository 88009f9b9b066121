// How an interrupted card flow ends, in the same words and exit status for the CLI and the wizard.
import { t } from '../i18n/i18n.js';

/** The shells' exit status for Ctrl+C (128 + SIGINT). */
export const EXIT_INTERRUPTED = 130;

/** Ctrl+C before the key pair existed: the card removed anything half-made, the portal saw nothing. */
export const cancelledLine = (): string => t('outcome.cancelled');

/** Ctrl+C twice after the key pair existed: what is left and the exact command that finishes it. */
export function stoppedLines(submitCommand: string): string {
  return t('outcome.stopped', { command: submitCommand });
}

/** Ctrl+C twice while the portal issued: the answer never came, so say how to find it out. */
export function unansweredLines(certificateId: string): string {
  return t('outcome.unanswered', { id: certificateId });
}
