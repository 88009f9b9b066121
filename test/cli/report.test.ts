// Stack traces: only for unexpected errors, only with REISSUE_DEBUG=1 or true.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { inputError } from '../../src/domain/errors.js';
import { debugEnabled, redactOptionValues, reportError } from '../../src/cli/report.js';

function report(e: unknown, REISSUE_DEBUG?: string): { code: number; text: string } {
  const out = new PassThrough();
  const code = reportError(e, out, REISSUE_DEBUG === undefined ? {} : { REISSUE_DEBUG });
  return { code, text: String(out.read() ?? '') };
}

describe('REISSUE_DEBUG', () => {
  it('is on for 1 and true only', () => {
    for (const on of ['1', 'true', 'TRUE', ' 1 ']) expect(debugEnabled({ REISSUE_DEBUG: on }), on).toBe(true);
    for (const off of [undefined, '', '0', 'false', 'no', 'off', 'yes', '2']) expect(debugEnabled({ REISSUE_DEBUG: off }), String(off)).toBe(false);
  });

  it('an unexpected error gets its stack only when on', () => {
    const bug = new Error('boom');
    expect(report(bug, '0').text).not.toContain(bug.stack!.split('\n')[1]!);
    expect(report(bug, 'false').text).not.toMatch(/\n\s+at /);
    expect(report(bug, '1').text).toContain(bug.stack!.split('\n')[1]!);
    expect(report(bug, '1').code).toBe(1);
  });

  it('an expected error (invalid input) never gets a stack, even when on', () => {
    const r = report(inputError('csr-invalid', 'The CSR is damaged.', 'Generate it again.'), '1');
    expect(r.code).toBe(3);
    expect(r.text).toBe('error: The CSR is damaged.\n  → Generate it again.\n');
  });
});

describe('redactOptionValues', () => {
  it("keeps an unknown option's name and drops what was typed after it", () => {
    expect(redactOptionValues("error: unknown option '--pin=9876Secret'")).toBe("error: unknown option '--pin'");
    expect(redactOptionValues("error: unknown option '-p9876'\n(Did you mean --pin-stdin?)")).toBe("error: unknown option '-p'\n(Did you mean --pin-stdin?)");
    expect(redactOptionValues("error: unknown option '--verbose'")).toBe("error: unknown option '--verbose'");
  });
});
