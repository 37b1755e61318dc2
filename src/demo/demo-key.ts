import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Services } from '../services';

export const demoKeyFile = (dataDir: string) => join(dataDir, 'demo-key');

/**
 * The embedded sandbox's demo MSP and its key. The key is the one secret kept on disk
 * (mode 600), so it can be printed at every start; if the file is gone, a new key is issued.
 */
export async function ensureDemo(services: Services, dataDir: string): Promise<{ apiKey: string; created: boolean }> {
  const file = demoKeyFile(dataDir);
  const seeded = await services.demo.seed();
  let apiKey = seeded.apiKey?.secret;
  if (!apiKey && existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if ((await services.apiKeys.authenticate(`Bearer ${stored}`))?.principal.mspId === seeded.msp.id) apiKey = stored;
  }
  apiKey ??= (await services.demo.newKey(seeded.msp.id)).secret;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${apiKey}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { apiKey, created: seeded.apiKey !== null };
}
