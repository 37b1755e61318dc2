import { parse } from 'graphql';
import { apiSchema } from '../src/graphql/schema';
import { knownCosts, queryCost } from '../src/graphql/limits/query-cost';

const PAGE = parse('query Page($first: Int) { msp { customers(first: $first) { nodes { id } } } }');

/**
 * Costs are kept per (document, operation, declared variables): variables the operation does
 * not declare change nothing and must not make new entries, and the whole memo stays within its
 * byte budget whatever clients send (keyless requests are costed too).
 */
describe('query cost memo', () => {
  it('gives the cost for the variables asked, kept or not', () => {
    expect(queryCost(apiSchema(), PAGE, undefined, { first: 10 }).cost).toBe(queryCost(apiSchema(), PAGE, undefined, { first: 10 }).cost);
    expect(queryCost(apiSchema(), PAGE, undefined, { first: 50 }).cost).toBeGreaterThan(queryCost(apiSchema(), PAGE, undefined, { first: 10 }).cost);
  });

  it('ignores undeclared variables', () => {
    const before = knownCosts().entries;
    for (let i = 0; i < 500; i++) queryCost(apiSchema(), PAGE, undefined, { first: 7, pad: `${i}`.repeat(500) });
    expect(knownCosts().entries - before).toBeLessThanOrEqual(1);
  });

  it('stays within its byte budget', () => {
    const document = parse('query Search($q: String) { msp { customers(search: $q, first: 1) { nodes { id } } } }');
    for (let i = 0; i < 3000; i++) queryCost(apiSchema(), document, undefined, { q: `${i}-${'x'.repeat(1500)}` });
    expect(knownCosts().bytes).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(knownCosts().entries).toBeLessThan(3000);
  });
});
