/**
 * `node bench/dist/profile-summary.js <file.cpuprofile> [top]`: where a
 * process spent its CPU, from a V8 profile written by `pnpm bench -- --cpu-prof`:
 * self time by function and by package (node_modules package, `node:` internals,
 * or the workspace file), in percent of samples, idle excluded.
 */
import fs from 'node:fs';
import { textTable } from './report';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
}

/** The package a script URL belongs to: `express`, `node:internal/…`, or `apps/ingest/dist/…`. */
function packageOf(url: string): string {
  if (url === '') return '(native/gc)';
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const workspace = /\/(apps|packages)\/(.+?)\/dist\//.exec(url);
  return workspace ? `${workspace[1]}/${workspace[2]}` : url;
}

function main(): void {
  const file = process.argv[2];
  const top = Number(process.argv[3] ?? 25);
  if (!file) throw new Error('usage: node bench/dist/profile-summary.js <file.cpuprofile> [top]');
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const name = node.callFrame.functionName || '(anonymous)';
    if (hits === 0 || name === '(idle)' || name === '(program)') continue;
    total += hits;
    const where = `${name} ${node.callFrame.url.replace(/^.*\/(node_modules|apps|packages)\//, '$1/')}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(where, (byFunction.get(where) ?? 0) + hits);
    const pkg = name === '(garbage collector)' ? '(garbage collector)' : packageOf(node.callFrame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + hits);
  }
  const pct = (n: number) => `${((100 * n) / total).toFixed(1)} %`;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  console.log(textTable(['self time by package', 'share'], sorted(byPackage).map(([k, v]) => [k, pct(v)])));
  console.log();
  console.log(textTable(['self time by function', 'share'], sorted(byFunction).map(([k, v]) => [k, pct(v)])));
}

main();
