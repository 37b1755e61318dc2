import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { breakingChanges, unannouncedBreakingChanges, unreleasedSection } from './support/schema-changes';

const ROOT = join(__dirname, '..');
const read = (name: string) => readFileSync(join(ROOT, name), 'utf8');

/**
 * Partners build against `schema.released.graphql` (copied by `npm run release-schema`). A change
 * that would break their code must be announced in CHANGELOG.md's Unreleased section, naming
 * each broken `Type.field`.
 */
describe('schema changes against the released schema', () => {
  it('every breaking change since the release is named in CHANGELOG.md', async () => {
    const unannounced = await unannouncedBreakingChanges(read('schema.released.graphql'), read('schema.graphql'), read('CHANGELOG.md'));
    if (unannounced.length > 0) {
      throw new Error(
        `Breaking changes for partners not in CHANGELOG.md's "## Unreleased" section:\n${unannounced.map((change) => `  \`${change.element}\`: ${change.message}`).join('\n')}\n` +
          'Name each `Type.field` there (what changed and what partners should do), or keep the field.',
      );
    }
  });
});

describe('the breaking-change check itself', () => {
  const released = `
    type Query { msp: Msp }
    type Msp { name: String! customers(first: Int): [String!]! legacyTotal: Int }
    enum State { PAID TRIAL }`;
  const changed = `
    type Query { msp: Msp }
    type Msp { name: Int! customers(first: Int!): [String!]! newField: String }
    enum State { PAID TRIAL }`;

  it('finds a removed field, a changed type and an argument made required, named by Type.field', async () => {
    const elements = (await breakingChanges(released, changed)).map((change) => change.element).sort();
    expect(elements).toEqual(['Msp.customers', 'Msp.legacyTotal', 'Msp.name']);
  });

  it('an addition is not breaking', async () => {
    expect(await breakingChanges(released, released.replace('legacyTotal: Int', 'legacyTotal: Int extra: Boolean'))).toEqual([]);
  });

  it('passes only when the Unreleased section names every broken field', async () => {
    const all = '# Changelog\n\n## Unreleased\n\n- `Msp.name` is an Int.\n- `Msp.legacyTotal` removed.\n- `Msp.customers` needs `first`.\n\n## 2026-11-01\n\n- First release.\n';
    expect(await unannouncedBreakingChanges(released, changed, all)).toEqual([]);
    const missing = all.replace('- `Msp.legacyTotal` removed.\n', '');
    expect((await unannouncedBreakingChanges(released, changed, missing)).map((change) => change.element)).toEqual(['Msp.legacyTotal']);
    // Named only under an earlier release: that announced an earlier change, not this one.
    const old = '# Changelog\n\n## Unreleased\n\n- `Msp.name` is an Int.\n- `Msp.customers` needs `first`.\n\n## 2026-11-01\n\n- `Msp.legacyTotal` deprecated.\n';
    expect((await unannouncedBreakingChanges(released, changed, old)).map((change) => change.element)).toEqual(['Msp.legacyTotal']);
  });

  it('reads the Unreleased section up to the next heading, or to the end', () => {
    expect(unreleasedSection('## Unreleased\n\na\n\n## 1.0\n\nb\n')).toBe('\na\n\n');
    expect(unreleasedSection('# C\n## Unreleased\nonly\n')).toBe('only\n');
    expect(unreleasedSection('# C\n## 1.0\nx\n')).toBe('');
  });
});
