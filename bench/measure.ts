import autocannon from 'autocannon';
import { Measurement } from './report';
import { Scenario } from './scenarios';
import { ServerProcess } from './server-process';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`${line}\n`);

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * One autocannon run against a server, with what the server spent on it: CPU time from
 * /proc/<pid>/stat, statements from the probe, RSS before and after.
 */
export async function measure(server: ServerProcess, scenario: Scenario, key: string, seconds: number, connections: number): Promise<Measurement> {
  const cpuBefore = server.cpuMs();
  const statementsBefore = await server.statements();
  const rssBefore = server.rssMb();
  const result = await autocannon({
    url: `http://127.0.0.1:${server.port}`,
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    requests: scenario.requests(server.kind),
    timeout: 30,
  });
  // The server finishes the requests still in flight when autocannon stops, and work a response
  // does not wait for (mail delivery): wait until it sends no more statements, then divide the
  // CPU time and statements by the requests sent, all of which it has now served.
  let statementsAfter = await server.statements();
  for (let waited = 0; waited < 10_000; waited += 200) {
    await sleep(200);
    const now = await server.statements();
    if (now === statementsAfter) break;
    statementsAfter = now;
  }
  const requests = result.requests.total;
  const sent = Math.max(1, result.requests.sent ?? requests);
  const measurement: Measurement = {
    rps: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerRequest: (server.cpuMs() - cpuBefore) / sent,
    statementsPerRequest: (statementsAfter - statementsBefore) / sent,
    rssBefore,
    rssAfter: server.rssMb(),
    requests,
    failed: result.non2xx + result.errors + result.timeouts,
  };
  if (measurement.failed > 0) log(`  ! ${measurement.failed} failed requests (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts})`);
  return measurement;
}

export function summarize(runs: Measurement[]): Measurement {
  const pick = (f: (m: Measurement) => number) => median(runs.map(f));
  return {
    rps: pick((m) => m.rps),
    p50: pick((m) => m.p50),
    p99: pick((m) => m.p99),
    cpuMsPerRequest: pick((m) => m.cpuMsPerRequest),
    statementsPerRequest: pick((m) => m.statementsPerRequest),
    rssBefore: runs[0].rssBefore,
    rssAfter: runs[runs.length - 1].rssAfter,
    requests: runs.reduce((a, m) => a + m.requests, 0),
    failed: runs.reduce((a, m) => a + m.failed, 0),
  };
}
