import { readFileSync, readdirSync } from 'node:fs';
const dir = '/tmp/prof'; const file = readdirSync(dir)[0];
const p = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = p.timeDeltas; let t = p.startTime;
const times = p.samples.map((s, i) => { t += dt[i]; return [s, t]; });
// only samples after first call of 'handler' region? take all
for (let i = 0; i < times.length; i++) {
  const [id] = times[i]; const n = byId.get(id); const d = (dt[i+1] ?? 0) / 1000;
  const key = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
  self.set(key, (self.get(key) ?? 0) + d);
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
console.log('total ms', total.toFixed(1));
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(v.toFixed(2), k);
