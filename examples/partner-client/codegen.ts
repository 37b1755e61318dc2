import { join } from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator, client preset: typed document nodes for the operations written with
 * `graphql(...)` in src/, checked against the API's committed schema.
 * Run from this folder: `npx graphql-codegen --config codegen.ts`.
 */
const config: CodegenConfig = {
  // In your own project, point this at your copy of schema.graphql (or at the API's URL with your key).
  schema: join(__dirname, '../../schema.graphql'),
  documents: [join(__dirname, 'src/**/*.ts'), `!${join(__dirname, 'src/gql/**')}`],
  ignoreNoDocuments: false,
  generates: {
    [join(__dirname, 'src/gql/')]: {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // DateTime is an RFC 3339 string on the wire (its @specifiedBy says so); Date a YYYY-MM-DD string.
        scalars: { DateTime: 'string', Date: 'string' },
        strictScalars: true,
        useTypeImports: true,
        enumsAsTypes: true,
      },
    },
  },
};

export default config;
