// Turns the raw results into table rows (also kept in latest.json) and the Markdown report.
const r1 = (x) => (Number.isFinite(x) ? (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2)) : String(x));
const span = (s, unit = '') => `${r1(s.median)}${unit} (${r1(s.min)}–${r1(s.max)})`;

function row(id, measure, ours, reference, ratio, target, met, extra = {}) {
  return { id, measure, ours, reference, ratio, target, met, ...extra };
}

export function rowsFor(results, failures) {
  const rows = [];
  const s = results.startup;
  if (s) {
    rows.push(row('1', 'Start-up: `reissue` → first wizard frame (pty) / `node -e` printing, same pty', span(s.pty.a, ' ms'), span(s.pty.b, ' ms'), span(s.pty.ratio), 'info', null));
    rows.push(row('1', 'Start-up: `reissue` → the first page of the certificate list on screen (seeded portal) / `node -e` printing, same pty', span(s.loaded.a, ' ms'), span(s.loaded.b, ' ms'), span(s.loaded.ratio), '<= 2.0', s.loaded.ratio.median <= 2.0, { value: s.loaded.ratio.median }));
    rows.push(row('1', 'Start-up: `reissue list --json` / `node -e 0` (no pty)', span(s.list.a, ' ms'), span(s.list.b, ' ms'), span(s.list.ratio), 'info', null));
  }
  const c = results.card;
  if (c) {
    for (const [alg, r] of Object.entries(c.wizard)) {
      rows.push(row('2', `Card CSR ${alg}, the wizard (running): PIN submitted → CSR ready / pkcs11-tool --keypairgen + openssl req (engine)`, span(r.a, ' ms'), span(r.b, ' ms'), span(r.ratio), '<= 1.0', r.ratio.median <= 1.0, { value: r.ratio.median }));
    }
    for (const [alg, r] of Object.entries(c.cli)) {
      rows.push(row('2', `Card CSR ${alg}: \`card keygen --csr-out\` (a fresh process) / the same C route`, span(r.a, ' ms'), span(r.b, ' ms'), span(r.ratio), 'info', null));
    }
  }
  const k = results.csr;
  if (k) {
    for (const [kind, r] of Object.entries(k)) {
      rows.push(row('3', `CSR checks ${kind}: checkCsr/s vs crypto.verify/s (key from the CSR's SPKI) — overhead`, span(r.checksPerSecond, '/s'), span(r.verifyPerSecond, '/s'), span(r.overhead, '×'), '<= 1.5×', r.overhead.median <= 1.5, { value: r.overhead.median }));
      rows.push(row('3', `CSR checks ${kind}: … vs crypto.verify/s with a ready KeyObject — overhead`, span(r.checksPerSecond, '/s'), span(r.verifyReadyKeyPerSecond, '/s'), span(r.overheadVsReadyKey, '×'), 'info', null));
    }
  }
  const sc = results.scale;
  if (sc?.listOnScreen) {
    const l = sc.listOnScreen.list;
    rows.push(row('1', `Start-up on ${sc.count.toLocaleString('en-US')} certificates: \`reissue\` → the first page of the list on screen / \`node -e\` printing, same pty`, span(l.a, ' ms'), span(l.b, ' ms'), span(l.ratio), '<= 2.5', l.ratio.median <= 2.5, { value: l.ratio.median }));
  }
  if (sc) {
    for (const [q, r] of Object.entries(sc.list)) {
      rows.push(row('4', `Scale ${sc.count.toLocaleString('en-US')}: \`list --query ${q} --json\` (${r.rows} rows) / sqlite3 CLI, same query`, span(r.a, ' ms'), span(r.b, ' ms'), span(r.ratio), '<= 3.0', r.ratio.median <= 3.0, { value: r.ratio.median }));
    }
  }
  const kk = results.keys;
  if (kk) {
    const p = (x) => `p50 ${r1(x.p50)} ms, p95 ${r1(x.p95)} ms, max ${r1(x.max)} ms (n=${x.n}${x.noFrame ? `, ${x.noFrame} without a frame` : ''})`;
    const lost = kk.typedFiltersWithLostKeys ? ` — ${kk.typedFiltersWithLostKeys} typed filter(s) lost keys` : '';
    const figure = (key, what, target) =>
      row('4', `Scale: wizard ${what}, p95 / a minimal Ink list of the same size (in-process, same keys)${key === 'filterRows' ? lost : ''}`, p(kk[key]), p(kk.minimal[key]), `${r1(kk.ratio[key])}`, target, target === 'info' ? null : kk.ratio[key] <= 1.5, { value: kk.ratio[key] });
    rows.push(figure('filterRows', 'filter keystroke → frame with the filtered list', '<= 1.5'));
    rows.push(figure('filterLast', 'filter keystroke → last frame (the exact count follows the rows)', 'info'));
    rows.push(figure('filterFirst', 'filter keystroke → first frame (echo of the key)', 'info'));
    rows.push(figure('scrollLast', 'scroll keystroke (PgDn/Down) → last frame', 'info'));
  }
  const sv = results.service;
  if (sv) {
    rows.push(
      row(
        '5',
        `Service: reissues/s through \`reissue serve\` (${sv.concurrency} clients) / in-process; latency p50 · p99`,
        `${span(sv.http.perSecond, '/s')}; ${r1(sv.http.latencyMs.p50)} · ${r1(sv.http.latencyMs.p99)} ms`,
        `${span(sv.inproc.perSecond, '/s')}; ${r1(sv.inproc.latencyMs.p50)} · ${r1(sv.inproc.latencyMs.p99)} ms`,
        span(sv.ratio),
        '>= 0.7',
        sv.ratio.median >= 0.7,
        { value: sv.ratio.median },
      ),
    );
  }
  const sp = results['service-pg'];
  if (sp) {
    const side = (x) => `${span(x.perSecond, '/s')}; ${r1(x.latencyMs.p50)} · ${r1(x.latencyMs.p99)} ms; serve CPU ${r1(x.serveCpuMsPerReissue.median)} ms/reissue`;
    rows.push(row('5', `Service on PostgreSQL: reissues/s through one \`serve --store postgres://…\` / one \`serve\` on the SQLite file (${sp.concurrency} clients); latency p50 · p99; the instances' CPU time per reissue`, side(sp.pg1), side(sp.sqlite), span(sp.pgVsSqlite), 'info', null, { value: sp.pgVsSqlite.median }));
    rows.push(row('5', `Service on PostgreSQL: reissues/s through two \`serve\` instances on one database / one instance (the ${sp.concurrency} clients split between them)`, side(sp.pg2), side(sp.pg1), span(sp.twoVsOne), 'info', null, { value: sp.twoVsOne.median }));
    rows.push(row('5', `(info) \`admin copy\` of the portal into PostgreSQL: ${sp.copy.rows.toLocaleString('en-US')} rows (${sp.copy.certificates.toLocaleString('en-US')} certificates), checked`, `${r1(sp.copy.ms / 1000)} s`, '', `${r1(sp.copy.rowsPerSecond)} rows/s`, 'info', null));
  }
  const m = results.memory;
  if (m) {
    rows.push(row('6', `Memory: wizard peak RSS (VmHWM) on ${m.count.toLocaleString('en-US')} certificates; reference: bare node`, span(m.peakMiB, ' MiB'), span(m.nodeBaselineMiB, ' MiB'), `${r1(m.peakMiB.median)} MiB`, '<= 100 MiB', m.peakMiB.median <= 100, { value: m.peakMiB.median }));
  }
  const a = results.acme;
  if (a) {
    const what = 'one certificate through ACME (same Pebble, http-01, EC P-256, a new order), spawn to exit';
    if (a.reissue) {
      rows.push(row('7', `ACME: ${what}: \`reissue submit ID --key-out\` / \`certbot certonly --standalone\``, span(a.reissue, ' ms'), span(a.certbot, ' ms'), span(a.reissueVsCertbot), '<= 1.0', a.reissueVsCertbot.median <= 1.0, { value: a.reissueVsCertbot.median }));
      rows.push(row('7', `ACME: ${what}: \`reissue submit ID --key-out\` / \`lego run\``, span(a.reissue, ' ms'), span(a.lego, ' ms'), span(a.reissueVsLego), '<= 1.0', a.reissueVsLego.median <= 1.0, { value: a.reissueVsLego.median }));
    }
    rows.push(row('7', `ACME: ${what}: \`lego run\` / \`certbot certonly --standalone\` (the two references)`, span(a.lego, ' ms'), span(a.certbot, ' ms'), span(a.legoVsCertbot), 'info', null));
  }
  for (const [name, msg] of Object.entries(failures)) rows.push(row('-', `${name}: NOT MEASURED`, msg.split('\n')[0].slice(0, 200), '', '', '', false));
  return rows;
}

export function renderMarkdown(meta, rows, failures) {
  const esc = (x) => String(x ?? '').replace(/\|/g, '\\|');
  const lines = [
    `# reissue benchmarks — ${meta.date}`,
    '',
    `Commit ${meta.commit ?? '(unknown)'} (plus working tree), Node ${meta.node}, ${meta.cpus}, load average at end ${meta.loadAverageAtEnd.join(' ')}, ${meta.durationSeconds} s${meta.config.smoke ? ', SMOKE run (smallest sizes: the figures mean nothing)' : meta.config.quick ? ', QUICK run' : ''}${meta.bin !== 'bin/reissue' ? `, measuring ${meta.bin}` : ''}.`,
    'Medians with (min–max) over the runs; ratios are per run pair (ours / reference), then median (min–max).',
    '',
    '| # | Measure | Ours | Reference | Ratio | Target | Met |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.id} | ${esc(r.measure)} | ${esc(r.ours)} | ${esc(r.reference)} | ${esc(r.ratio)} | ${esc(r.target)} | ${r.met === null ? '' : r.met ? 'yes' : '**no**'} |`),
    '',
  ];
  if (Object.keys(failures).length) {
    lines.push('## Not measured', '');
    for (const [name, msg] of Object.entries(failures)) lines.push(`- ${name}: ${msg.split('\n').slice(0, 3).join(' ')}`);
    lines.push('');
  }
  return lines.join('\n');
}
