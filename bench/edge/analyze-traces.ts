/**
 * Merges bench/.traces/*.json (trace-points.ts) on the shared monotonic clock and prints, for the
 * requests of a 1-connection cell, the median time from each request's `g request` to every event
 * up to its `g finish` (the n-th occurrence of a label inside a request is its own row).
 *   npx tsx bench/edge/analyze-traces.ts [skipSeconds]
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = path.join(__dirname, '..', '.traces');
const skip = BigInt(Math.round(Number(process.argv[2] ?? 0) * 1e9));
const events: { t: bigint; label: string }[] = [];
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
  const { labels, times } = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
    labels: string[];
    times: string[];
  };
  labels.forEach((label, i) => events.push({ t: BigInt(times[i]), label }));
}
events.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
const first = events[0]?.t ?? 0n;

const rows = new Map<string, number[]>();
const order: string[] = [];
let start: bigint | undefined;
let seen = new Map<string, number>();
let requests = 0;
const totals: number[] = [];
for (const e of events) {
  if (e.t - first < skip) continue;
  if (e.label === 'g request') {
    start = e.t;
    seen = new Map();
    continue;
  }
  if (start === undefined) continue;
  const n = (seen.get(e.label) ?? 0) + 1;
  seen.set(e.label, n);
  const key = n > 1 ? `${e.label} #${n}` : e.label;
  if (!rows.has(key)) {
    rows.set(key, []);
    order.push(key);
  }
  const us = Number(e.t - start) / 1000;
  rows.get(key)!.push(us);
  if (e.label === 'g finish') {
    requests++;
    totals.push(us);
    start = undefined;
  }
}
const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
console.log(`${requests} requests; median total ${median(totals)?.toFixed(0)} µs`);
const lines = order
  .map((key) => ({ key, n: rows.get(key)!.length, at: median(rows.get(key)!) }))
  .filter((r) => r.n > requests * 0.5)
  .sort((a, b) => a.at - b.at);
let previous = 0;
for (const { key, n, at } of lines) {
  console.log(`${at.toFixed(0).padStart(7)} µs  (+${(at - previous).toFixed(0).padStart(5)})  ${key}  [${n}]`);
  previous = at;
}
