import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const PROBE = join(__dirname, 'statement-probe.js');
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * The node flags `npm start` runs the server with (package.json's `start` script), so the
 * benchmark measures the server as it is started in production, flags included.
 */
export function startScriptNodeArgs(): string[] {
  const start: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start;
  const words = start.trim().split(/\s+/);
  if (words[0] !== 'node') throw new Error(`package.json's start script does not run node: ${start}`);
  return words.slice(1).filter((word) => word.startsWith('--'));
}

export interface ServerOptions {
  kind: 'project' | 'baseline';
  databaseUrl: string;
  logFile: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
}

/** A server under test, spawned as a child process with the statement probe preloaded. */
export class ServerProcess {
  private pending: Array<{ kind: string; resolve: (message: Record<string, unknown>) => void }> = [];
  private exited: Promise<number | null>;

  private constructor(
    readonly kind: 'project' | 'baseline',
    readonly child: ChildProcess,
    readonly port: number,
    readonly spawnedAt: number,
  ) {
    child.on('message', (message: Record<string, unknown>) => {
      const index = this.pending.findIndex((p) => p.kind === message.probe);
      if (index >= 0) this.pending.splice(index, 1)[0].resolve(message);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /**
   * Spawns the server and resolves once it listens. The project runs as in production: the
   * compiled `dist/src/main.js`, NODE_ENV=production, logs at `info` into `logFile`.
   */
  static async start(options: ServerOptions): Promise<ServerProcess> {
    const script = options.kind === 'project' ? join(ROOT, 'dist', 'src', 'main.js') : join(__dirname, 'baseline-server.js');
    const log = openSync(options.logFile, 'a');
    const spawnedAt = performance.now();
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--require', PROBE, script], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'production',
        DATABASE_URL: options.databaseUrl,
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', log, 'ipc'],
    });
    closeSync(log);
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const onExit = (code: number | null) => {
        const tail = readFileSync(options.logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
        reject(new Error(`${options.kind} server exited with ${code} before listening (log: ${options.logFile}):\n${tail}`));
      };
      child.once('exit', onExit);
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const match = /ready at http:\/\/[^:]+:(\d+)\//.exec(out) ?? /listening (\d+)/.exec(out);
        if (match) {
          child.off('exit', onExit);
          resolve(Number(match[1]));
        }
      });
    });
    child.stdout!.resume();
    return new ServerProcess(options.kind, child, port, spawnedAt);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/graphql`;
  }

  private ask(message: Record<string, unknown>, reply: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      this.pending.push({ kind: reply, resolve });
      this.child.send(message);
    });
  }

  /** SQL statements the process has sent so far. */
  async statements(): Promise<number> {
    return Number((await this.ask({ probe: 'count' }, 'count')).total);
  }

  /** Starts (on) or stops keeping statement texts; returns those kept since the last call. */
  async capture(on: boolean): Promise<string[]> {
    return (await this.ask({ probe: 'capture', on }, 'captured')).statements as string[];
  }

  /** Heap in use after a full garbage collection, in MB (the probe triggers it). */
  async heapAfterGcMb(): Promise<number> {
    return Number((await this.ask({ probe: 'heap' }, 'heap')).heapUsed) / 2 ** 20;
  }

  /** Starts V8's CPU profiler in the server (see statement-probe.ts). */
  async startProfile(): Promise<void> {
    await this.ask({ probe: 'profile', on: true }, 'profiling');
  }

  /** Stops the profiler and writes the .cpuprofile to `file`. */
  async stopProfile(file: string): Promise<void> {
    const reply = await this.ask({ probe: 'profile', on: false, file }, 'profiled');
    if (!reply.file) throw new Error('the server could not write its CPU profile');
  }

  /** User plus system CPU time so far, in ms. */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name: state is field 3, utime 14 and stime 15 (1-based over the whole line).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  }

  /** Resident set size now, in MB. */
  rssMb(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  }

  /** SIGTERM (the server's graceful shutdown), then SIGKILL after 15 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** One POST /graphql; resolves with the status and parsed body. */
export function post(url: string, key: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': payload.length, authorization: `Bearer ${key}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
