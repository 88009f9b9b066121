import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { userFacingLiterals } from './literals.js';
function sources(dir: string): string[] { return readdirSync(dir).flatMap((n) => { const p = join(dir, n); return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(n) ? [p] : []; }); }
it('scan', () => { for (const d of ['src/cli', 'src/flows', 'src/wizard', 'src/card', 'src/domain']) for (const f of sources(d)) for (const l of userFacingLiterals(f)) console.log(`${l.file}:${l.line} ${JSON.stringify(l.text).slice(0, 90)}`); });
