import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GraphQLArgument,
  GraphQLField,
  GraphQLInputField,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { apiSchema, printApiSchema } from '../src/graphql/schema';

const SCHEMA_FILE = join(__dirname, '..', 'schema.graphql');

/** The first line where two texts differ, to point at the change. */
function firstDifference(committed: string, generated: string): string {
  const a = committed.split('\n');
  const b = generated.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}: committed ${JSON.stringify(a[i] ?? '<end>')}, generated ${JSON.stringify(b[i] ?? '<end>')}`;
  }
  return 'none';
}

/** Every place in the schema a partner reads a description from, with what it says. */
function describedElements(): Array<[string, string | null | undefined]> {
  const out: Array<[string, string | null | undefined]> = [];
  const args = (owner: string, list: readonly GraphQLArgument[]) => {
    for (const arg of list) out.push([`${owner}(${arg.name}:)`, arg.description]);
  };
  for (const type of Object.values(apiSchema().getTypeMap())) {
    if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
    out.push([type.name, type.description]);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields()) as Array<GraphQLField<unknown, unknown>>) {
        out.push([`${type.name}.${field.name}`, field.description]);
        args(`${type.name}.${field.name}`, field.args);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields()) as GraphQLInputField[]) out.push([`${type.name}.${field.name}`, field.description]);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) out.push([`${type.name}.${value.name}`, value.description]);
    }
  }
  return out;
}

describe('schema.graphql', () => {
  it('is the schema the code generates (else run `npm run build && npm run schema:print` and commit it)', () => {
    const committed = readFileSync(SCHEMA_FILE, 'utf8');
    const generated = printApiSchema();
    if (committed !== generated) {
      throw new Error(
        `schema.graphql is stale: run \`npm run build && npm run schema:print\` and commit the result. First difference at ${firstDifference(committed, generated)}`,
      );
    }
  });

  it('describes every type, field, argument, input field and enum value', () => {
    const elements = describedElements();
    const undescribed = elements.filter(([, description]) => !description?.trim()).map(([name]) => name);
    expect(undescribed).toEqual([]);
    // The walk reaches the contract's corners, so an empty list above means something.
    const names = elements.map(([name]) => name);
    expect(names).toEqual(
      expect.arrayContaining([
        'Query.msp',
        'Query.msp(accountNumber:)',
        'Msp.customers(orderBy:)',
        'Mutation.addCustomer(input:)',
        'AddCustomerInput.idempotencyKey',
        'SubscriptionState.EXPIRED_TRIAL',
        'UserErrorCode.EMAIL_TAKEN',
        'DateTime',
        'Node.id',
      ]),
    );
  });

  it('keeps a resolver (and so its role check) on every field with @Authorized, also in types with simple resolvers', () => {
    const storage = getMetadataStorage();
    const schema = apiSchema();
    const checked: string[] = [];
    for (const authorized of storage.authorizedFields) {
      for (const objectType of storage.objectTypes) {
        if (objectType.target !== authorized.target && !(objectType.target.prototype instanceof authorized.target)) continue;
        const type = schema.getType(objectType.name);
        if (!isObjectType(type)) continue;
        const field = type.getFields()[authorized.fieldName];
        checked.push(`${objectType.name}.${authorized.fieldName}`);
        expect({ field: checked[checked.length - 1], resolver: typeof field?.resolve }).toEqual({ field: checked[checked.length - 1], resolver: 'function' });
      }
    }
    expect(checked).toEqual(expect.arrayContaining(['CustomerAccount.removalReason']));
  });

  it('exposes the contract names partners code against', () => {
    const schema = apiSchema();
    const fields = (name: string) => {
      const type = schema.getType(name);
      if (!type || !(isObjectType(type) || isInterfaceType(type))) throw new Error(`no type ${name}`);
      return Object.keys(type.getFields());
    };
    expect(fields('Query')).toEqual(expect.arrayContaining(['msp', 'msps', 'node', 'nodes', 'customer', 'checkAdminEmailAvailability']));
    expect(fields('Mutation')).toEqual(expect.arrayContaining(['addCustomer', 'registerMonitoredUser', 'removeMonitoredUser']));
    expect(schema.getQueryType()?.getFields().msp.args.map((a) => a.name)).toEqual(['accountNumber']);
  });
});
