import { getIntrospectionQuery } from 'graphql';
import { ConfigError, corsOrigins } from '../src/config/config';
import { TestApi } from './support/harness';
import { ENGINES } from './support/engines';

const PSA = 'https://psa.partner.example';
const OTHER = 'https://evil.example';
const QUERY = JSON.stringify({ query: '{ msp { name } }' });

/** What partners' own tools need from the server: CORS for browser tools, a typed DateTime. */
describe.each(ENGINES)('partner tools [%s]', (engine) => {
  describe('CORS_ORIGINS lists origins', () => {
    let api: TestApi;
    let key: string;
    beforeAll(async () => {
      api = await TestApi.start(engine, { corsOrigins: [PSA, 'http://localhost:5173'] });
      key = (await api.makeMsp()).key;
    });
    afterAll(() => api.close());

    const post = (origin: string) =>
      api.app.inject({ method: 'POST', url: '/graphql', headers: { origin, 'content-type': 'application/json', authorization: `Bearer ${key}` }, payload: QUERY });

    it('an allowed origin gets its own origin back, never *, and no credentials', async () => {
      const response = await post(PSA);
      expect(response.statusCode).toBe(200);
      expect(response.json().data.msp.name).toMatch(/^MSP /);
      expect(response.headers['access-control-allow-origin']).toBe(PSA);
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      expect(String(response.headers.vary)).toMatch(/origin/i);
      expect(String(response.headers['access-control-expose-headers'])).toMatch(/retry-after/);
    });

    it('another origin gets no CORS headers (the browser blocks the response)', async () => {
      const response = await post(OTHER);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('preflight is answered for an allowed origin with the methods and headers a client sends', async () => {
      const response = await api.app.inject({
        method: 'OPTIONS',
        url: '/graphql',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
      expect(response.statusCode).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe('http://localhost:5173');
      expect(String(response.headers['access-control-allow-methods'])).toContain('POST');
      expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization');
      expect(String(response.headers['access-control-allow-headers']).toLowerCase()).toContain('content-type');
    });

    it('preflight from another origin is not allowed', async () => {
      const response = await api.app.inject({
        method: 'OPTIONS',
        url: '/graphql',
        headers: { origin: OTHER, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
      });
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('CORS_ORIGINS empty (the default)', () => {
    let api: TestApi;
    let key: string;
    beforeAll(async () => {
      api = await TestApi.start(engine);
      key = (await api.makeMsp()).key;
    });
    afterAll(() => api.close());

    it('no CORS headers on requests or preflight', async () => {
      const response = await api.app.inject({ method: 'POST', url: '/graphql', headers: { origin: PSA, 'content-type': 'application/json', authorization: `Bearer ${key}` }, payload: QUERY });
      expect(response.statusCode).toBe(200);
      expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
      const preflight = await api.app.inject({ method: 'OPTIONS', url: '/graphql', headers: { origin: PSA, 'access-control-request-method': 'POST' } });
      expect(Object.keys(preflight.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    });

    it('introspection gives DateTime its specifiedByURL, so generators can type it', async () => {
      const data = await api.ok(key, getIntrospectionQuery({ specifiedByUrl: true }));
      const dateTime = data.__schema.types.find((type: { name: string }) => type.name === 'DateTime');
      expect(dateTime.specifiedByURL).toBe('https://scalars.graphql.org/andimarek/date-time');
    });
  });
});

describe('CORS_ORIGINS parsing', () => {
  it('a comma-separated list of origins, blanks ignored', () => {
    expect(corsOrigins({ CORS_ORIGINS: ' https://a.example , http://localhost:5173,,' })).toEqual(['https://a.example', 'http://localhost:5173']);
    expect(corsOrigins({})).toEqual([]);
    expect(corsOrigins({ CORS_ORIGINS: '  ' })).toEqual([]);
  });

  it('refuses a wildcard, a path or a non-http scheme', () => {
    for (const bad of ['*', 'https://*.example.com', 'https://a.example/app', 'ftp://a.example', 'a.example']) {
      expect(() => corsOrigins({ CORS_ORIGINS: bad })).toThrow(ConfigError);
    }
  });
});
