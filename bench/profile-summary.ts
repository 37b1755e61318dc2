import { readFileSync } from 'node:fs';

/** What `node --cpu-prof` writes (the V8 CPU profile format). */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  /** Sampled time, idle excluded, in ms. */
  busyMs: number;
  idleMs: number;
  /** Self time by package or part of the runtime (native frames billed to their caller), largest first. */
  byPackage: Array<{ name: string; ms: number; share: number }>;
  /** Self time by function, largest first. */
  byFunction: Array<{ name: string; where: string; ms: number; share: number }>;
}

/** Who a frame belongs to: an npm package, Node's own code, V8 pseudo-frames, or the project. */
export function ownerOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return 'V8 garbage collector';
    if (functionName === '(program)') return 'V8/native (program)';
    if (functionName === '(idle)') return '(idle)';
    return `native: ${functionName || '(anonymous)'}`;
  }
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node core (node:*)';
  if (url.includes('/dist/src/')) return 'project (dist/src)';
  if (url.includes('/dist/bench/')) return 'bench probe';
  return url;
}

function shortWhere(url: string, line: number): string {
  if (!url) return '';
  const modules = url.lastIndexOf('/node_modules/');
  const path = modules >= 0 ? url.slice(modules + '/node_modules/'.length) : url.replace(/^.*\/dist\//, 'dist/').replace(/^file:\/\//, '');
  return `${path}:${line + 1}`;
}

export function summarizeProfile(file: string, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  /** The nearest calling frame that has a script, and the nearest that is not Node's own. */
  const callersOf = (id: number) => {
    let script: CpuProfile['nodes'][number]['callFrame'] | null = null;
    for (let at = parentOf.get(id); at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (!frame.url) continue;
      script ??= frame;
      if (!frame.url.startsWith('node:')) return { script, package: frame };
    }
    return { script, package: null };
  };
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const packages = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; us: number }>();
  let idleUs = 0;
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node || us <= 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    let owner = ownerOf(url, functionName);
    if (owner === '(idle)') {
      idleUs += us;
      continue;
    }
    const native = owner.startsWith('native: ');
    const callers = native || owner === 'node core (node:*)' ? callersOf(id) : null;
    // The profiler's own stop (it serializes the profile in the process) is not the server's work.
    if (url === 'node:inspector' || callers?.script?.url === 'node:inspector') continue;
    busyUs += us;
    // Node's own code and native calls (socket writes, timers) are billed to the package that
    // called them, in a row of their own: "mysql2 → node core / native".
    if (callers) owner = `${callers.package ? ownerOf(callers.package.url, callers.package.functionName) : '(event loop)'} → node core / native`;
    packages.set(owner, (packages.get(owner) ?? 0) + us);
    const where = native && callers?.script ? `native, from ${callers.script.functionName || '(anonymous)'} ${shortWhere(callers.script.url, callers.script.lineNumber)}` : shortWhere(url, lineNumber);
    const key = `${functionName}@${where}`;
    const entry = functions.get(key) ?? { name: functionName || '(anonymous)', where: where || owner, us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  const share = (us: number) => (busyUs === 0 ? 0 : us / busyUs);
  return {
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    byPackage: [...packages].map(([name, us]) => ({ name, ms: us / 1000, share: share(us) })).sort((a, b) => b.ms - a.ms),
    byFunction: [...functions.values()]
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, share: share(f.us) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top),
  };
}
