/**
 * Preloaded (`node --require`) into the server under test and into the baseline by the
 * benchmark, never by the product: counts the SQL statements the process sends through mysql2
 * and, on request, keeps their text (values inlined, as sent) so the benchmark can EXPLAIN them.
 * It counts on the client side, so the figure is the process's own even while other clients
 * share the MariaDB server (its global `Questions` counter would mix them in).
 *
 * It also runs V8's CPU profiler (the sampler `--cpu-prof` uses, same .cpuprofile format) over
 * exactly the window the benchmark asks for, so start-up and warm-up stay out of the profile.
 *
 * The parent asks over the IPC channel: `{ probe: 'count' }` → `{ probe: 'count', total }`,
 * `{ probe: 'capture', on: boolean }` → `{ probe: 'captured', statements }`,
 * `{ probe: 'heap' }` → `{ probe: 'heap', heapUsed, rss }` after a full garbage collection,
 * `{ probe: 'profile', on: true }` → `{ probe: 'profiling' }`,
 * `{ probe: 'profile', on: false, file }` → `{ probe: 'profiled', file }`.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
type Command = { sql?: string };
type Method = (this: unknown, ...args: unknown[]) => Command;

import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Not in mysql2's package exports: reached by file name, the same module mysql2 itself loads.
const BaseConnection = require(join(dirname(require.resolve('mysql2')), 'lib', 'base', 'connection.js')) as {
  prototype: Record<string, Method>;
};

let total = 0;
let captured: string[] | null = null;

for (const name of ['query', 'execute']) {
  const original = BaseConnection.prototype[name];
  BaseConnection.prototype[name] = function (this: unknown, ...args: unknown[]) {
    total += 1;
    const command = original.apply(this, args);
    if (captured) {
      const sql = command?.sql ?? (typeof args[0] === 'string' ? args[0] : (args[0] as Command | undefined)?.sql);
      if (sql) captured.push(sql);
    }
    return command;
  };
}

if (process.send) {
  let session: Session | null = null;
  process.on('message', (message: { probe?: string; on?: boolean; file?: string }) => {
    if (message?.probe === 'profile' && message.on) {
      session = new Session();
      session.connect();
      session.post('Profiler.enable', () =>
        session!.post('Profiler.setSamplingInterval', { interval: 1000 }, () =>
          session!.post('Profiler.start', () => process.send!({ probe: 'profiling' })),
        ),
      );
    }
    if (message?.probe === 'profile' && !message.on && session) {
      const current = session;
      current.post('Profiler.stop', (error, result) => {
        if (!error) writeFileSync(message.file!, JSON.stringify(result.profile));
        current.disconnect();
        process.send!({ probe: 'profiled', file: error ? null : message.file });
      });
      session = null;
    }
    if (message?.probe === 'count') process.send!({ probe: 'count', total });
    if (message?.probe === 'heap') {
      // A full collection first, so what is left is what the process still holds (a leak stays).
      setFlagsFromString('--expose-gc');
      (runInNewContext('gc') as () => void)();
      const { heapUsed, rss } = process.memoryUsage();
      process.send!({ probe: 'heap', heapUsed, rss });
    }
    if (message?.probe === 'capture') {
      const statements = captured ?? [];
      captured = message.on ? [] : null;
      process.send!({ probe: 'captured', statements });
    }
  });
  // The IPC channel must not keep a process alive that would otherwise exit.
  process.channel?.unref();
}
