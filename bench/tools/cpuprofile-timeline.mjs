// node bench/tools/cpuprofile-timeline.mjs FILE.cpuprofile [BUCKET_MS] [UNTIL_MS]: what a V8 CPU
// profile (`node --cpu-prof`) spent each BUCKET_MS on, in time order: per bucket the three
// heaviest "interesting" frames (the innermost frame from the app's own code or a package,
// else the innermost frame). Shows where start-up time goes before the first frame.
import { readFileSync } from 'node:fs';

const [file, bucketText = '10', untilText = 'Infinity'] = process.argv.slice(2);
if (!file) throw new Error('usage: cpuprofile-timeline FILE.cpuprofile [BUCKET_MS] [UNTIL_MS]');
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const bucketUs = Number(bucketText) * 1000;
const untilUs = Number(untilText) * 1000;
const short = (u) => u.replace(/^.*\/(node_modules\/|src\/|dist\/|bench\/)/, '$1');
const interesting = (id) => {
  const chain = [];
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) chain.push(byId.get(cur).callFrame);
  const f = chain.find((c) => /node_modules|dist\/|src\//.test(c.url)) ?? chain[0];
  const pkg = f.url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1];
  return `${f.functionName || '(anon)'} ${pkg ? `[${pkg}]` : short(f.url)}`;
};
let t = 0;
const buckets = new Map();
prof.samples.forEach((id, i) => {
  t += prof.timeDeltas[i] ?? 0;
  if (t > untilUs) return;
  const b = Math.floor(t / bucketUs);
  const m = buckets.get(b) ?? new Map();
  const l = interesting(id);
  m.set(l, (m.get(l) ?? 0) + (prof.timeDeltas[i + 1] ?? 0));
  buckets.set(b, m);
});
for (const [b, m] of [...buckets].sort((x, y) => x[0] - y[0])) {
  const top = [...m].sort((x, y) => y[1] - x[1]).slice(0, 3).map(([l, us]) => `${(us / 1000).toFixed(1)} ${l}`);
  console.log(`${String(b * Number(bucketText)).padStart(5)} ms  ${top.join(' | ')}`);
}
