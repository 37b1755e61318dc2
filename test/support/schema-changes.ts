import { CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

export interface BreakingChange {
  /** `Type.field` (or `Type` for a whole type, `Enum.VALUE` for an enum value) partners must hear about. */
  element: string;
  message: string;
}

/**
 * The breaking changes between the released schema and the current one (GraphQL Inspector's
 * criticality: removed fields, changed types, new required arguments, ...).
 */
export async function breakingChanges(releasedSdl: string, currentSdl: string): Promise<BreakingChange[]> {
  const changes = await diff(buildSchema(releasedSdl), buildSchema(currentSdl));
  return changes
    .filter((change) => change.criticality.level === CriticalityLevel.Breaking)
    .map((change) => ({ element: elementOf(change.path, change.type), message: change.message }));
}

/** An argument's or input field's change is named by its field: `Msp.customers.first` -> `Msp.customers`. */
function elementOf(path: string | undefined, type: string): string {
  if (!path) return String(type);
  return path.split('.').slice(0, 2).join('.');
}

/** The text of the changelog's `## Unreleased` section: where a change not yet released is announced. */
export function unreleasedSection(changelog: string): string {
  const match = /^## Unreleased[^\n]*\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(changelog);
  return match ? match[1] : '';
}

/** Breaking changes the Unreleased section does not name (as `Type.field`, in backticks). */
export async function unannouncedBreakingChanges(releasedSdl: string, currentSdl: string, changelog: string): Promise<BreakingChange[]> {
  const unreleased = unreleasedSection(changelog);
  return (await breakingChanges(releasedSdl, currentSdl)).filter((change) => !unreleased.includes(`\`${change.element}\``));
}
