// node bench/tools/cpuprofile-top.mjs FILE.cpuprofile [N] [FOCUS]: the functions with the most
// self time, and the most inclusive time (time under them), in a V8 CPU profile made with
// `node --cpu-prof`. With FOCUS (a function name), only samples under that function count.
import { readFileSync } from 'node:fs';

const [file, nText = '25', focus] = process.argv.slice(2);
if (!file) throw new Error('usage: cpuprofile-top FILE.cpuprofile [N] [FOCUS]');
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const dt = new Map();
prof.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));

const label = (n) => {
  const f = n.callFrame;
  const url = f.url.replace(/^.*\/(node_modules\/|src\/|dist\/|bench\/)/, '$1');
  return `${f.functionName || '(anonymous)'} ${url}:${f.lineNumber + 1}`;
};
const self = new Map();
const incl = new Map();
let total = 0;
for (const [id, us] of dt) {
  const chain = [];
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) chain.push(byId.get(cur));
  if (focus && !chain.some((n) => n.callFrame.functionName === focus)) continue;
  total += us;
  const l = label(chain[0]);
  self.set(l, (self.get(l) ?? 0) + us);
  for (const l2 of new Set(chain.map(label))) incl.set(l2, (incl.get(l2) ?? 0) + us);
}
const n = Number(nText);
const show = (title, m) => {
  console.log(`\n${title} (total ${(total / 1000).toFixed(0)} ms${focus ? ` under ${focus}` : ''})`);
  for (const [l, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${(us / 1000).toFixed(1).padStart(9)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${l}`);
};
show('self time', self);
show('inclusive time', incl);
