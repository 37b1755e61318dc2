import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printApiSchema } from '../graphql/schema';

/** Writes schema.graphql at the repo root (or prints it with --stdout). */
const sdl = printApiSchema();
if (process.argv.includes('--stdout')) {
  process.stdout.write(sdl);
} else {
  const file = join(__dirname, '..', '..', '..', 'schema.graphql');
  writeFileSync(file, sdl);
  process.stderr.write(`wrote ${file}\n`);
}
