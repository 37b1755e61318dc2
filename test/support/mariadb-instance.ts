import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

const MARIADBD = process.env.TEST_MARIADBD ?? '/usr/sbin/mariadbd';
const INSTALL_DB = process.env.TEST_MARIADB_INSTALL_DB ?? 'mariadb-install-db';

/** A free TCP port on the loopback interface. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A throwaway MariaDB server of the test's own (temporary data directory, port and socket) that
 * the test may kill, stall (SIGSTOP) and start again; the machine's shared server is never touched.
 */
export class MariaDbInstance {
  private process: ChildProcess | undefined;
  private log = '';

  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  /** Initializes a data directory and starts the server on it. Fails loudly if mariadbd is missing. */
  static async create(): Promise<MariaDbInstance> {
    if (!existsSync(MARIADBD)) throw new Error(`${MARIADBD} not found: the fault tests need a MariaDB server binary (set TEST_MARIADBD)`);
    const dir = mkdtempSync(join(tmpdir(), 'cc-mariadb-'));
    await new Promise<void>((done, fail) => {
      execFile(
        INSTALL_DB,
        ['--no-defaults', '--auth-root-authentication-method=normal', `--datadir=${join(dir, 'data')}`, '--user=root', '--skip-test-db'],
        (error, _stdout, stderr) => (error ? fail(new Error(`mariadb-install-db failed: ${stderr}`)) : done()),
      );
    });
    const instance = new MariaDbInstance(dir, await freePort());
    await instance.start();
    return instance;
  }

  get baseUrl(): string {
    return `mysql://root@127.0.0.1:${this.port}`;
  }

  /** A new empty database on this server; its URL. */
  async createDatabase(name: string): Promise<string> {
    const connection = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root' });
    try {
      await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    } finally {
      await connection.end();
    }
    return `${this.baseUrl}/${name}`;
  }

  async start(): Promise<void> {
    const args = [
      '--no-defaults',
      `--datadir=${join(this.dir, 'data')}`,
      `--port=${this.port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(this.dir, 'mariadb.sock')}`,
      `--pid-file=${join(this.dir, 'mariadb.pid')}`,
      '--user=root',
      '--skip-log-bin',
      '--skip-name-resolve',
      '--innodb-buffer-pool-size=32M',
    ];
    const child = spawn(MARIADBD, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.log = (this.log + chunk).slice(-4000)));
    this.process = child;
    const giveUp = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`mariadbd exited at start:\n${this.log}`);
      try {
        const connection = await createConnection({ host: '127.0.0.1', port: this.port, user: 'root', connectTimeout: 1000 });
        await connection.end();
        return;
      } catch (error) {
        if (Date.now() > giveUp) throw new Error(`mariadbd did not accept connections within 30 s: ${(error as Error).message}\n${this.log}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** SIGKILL, as a crash would; resolves when the process is gone. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGCONT');
    child.kill('SIGKILL');
    await gone;
  }

  /**
   * SIGSTOP, and resolves once every thread of the server has stopped: the signal is only
   * pending when kill() returns, and on a busy machine a thread can still answer a statement
   * before it is stopped (a probe sent right after once got its answer).
   */
  async stall(): Promise<void> {
    const child = this.process;
    if (!child?.pid) return;
    child.kill('SIGSTOP');
    const tasks = `/proc/${child.pid}/task`;
    const giveUp = Date.now() + 2000;
    const stopped = (tid: string) => {
      try {
        // The state is the field after the command name, which is in parentheses.
        return /\)\s+[Tt]\s/.test(readFileSync(join(tasks, tid, 'stat'), 'utf8'));
      } catch {
        return true; // the thread is gone
      }
    };
    while (!readdirSync(tasks).every(stopped)) {
      if (Date.now() > giveUp) throw new Error('mariadbd did not stop within 2 s of SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
