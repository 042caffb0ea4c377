/**
 * Where a `--cpu-prof` profile spends its time: self time by package (node_modules/<pkg>, our
 * apps/libs files, node internals, GC, idle) and the hottest functions.
 *
 *   npx tsx bench/edge/summarize-profile.ts bench/.profiles/gateway.cpuprofile [top=25] [skip=0]
 *
 * `skip`: seconds at the start of the profile left out (the process's start-up: loading and
 * compiling modules), so the figures describe the process under load.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function bucketOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node internals';
  const ours = /\/(apps|libs|bench)\/(.+)$/.exec(url);
  return ours ? `${ours[1]}/${ours[2].split('/').slice(0, ours[1] === 'apps' ? 1 : 2).join('/')}` : url;
}

function main() {
  const [file, topArg, skipArg] = process.argv.slice(2);
  const skipUs = Number(skipArg ?? 0) * 1e6;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  let elapsedUs = 0;
  profile.samples.forEach((id, i) => {
    elapsedUs += profile.timeDeltas[i] ?? 0;
    if (elapsedUs >= skipUs) selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  let total = 0;
  let idle = 0;
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id)!;
    total += us;
    if (callFrame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    const bucket = bucketOf(callFrame.url, callFrame.functionName);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + us);
    const fn = `${callFrame.functionName || '(anonymous)'} ${callFrame.url.split('/').slice(-2).join('/')}:${callFrame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1).padStart(5)} %`;
  console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (shares below are of busy time)`);
  console.log('\nself time by package / area:');
  for (const [bucket, us] of [...buckets].sort((a, b) => b[1] - a[1]).slice(0, 30))
    console.log(`  ${pct(us)}  ${bucket}`);
  console.log('\nhottest functions (self time):');
  for (const [fn, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg ?? 25)))
    console.log(`  ${pct(us)}  ${fn}`);
}

main();
