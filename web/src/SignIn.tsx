import { FormEvent, useState } from 'react';
import { createClient } from './apollo';
import { DashboardDocument } from './operations';
import { describeError } from './errors';

/** Paste an API key; it is checked against the API before the dashboard opens. */
export function SignIn({ notice, onSignedIn }: { notice: string | null; onSignedIn: (apiKey: string) => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const key = value.trim();
    if (!key) {
      setError('Paste your API key first.');
      return;
    }
    setChecking(true);
    setError(null);
    let rejected = false;
    const probe = createClient(key, () => {
      rejected = true;
    });
    try {
      const { data, error: failure } = await probe.query({ query: DashboardDocument, fetchPolicy: 'network-only', errorPolicy: 'all' });
      if (failure || rejected) setError(describeError(failure));
      else if (!data?.msp) setError('This key belongs to no MSP (staff and app keys have no Command Center). Use an MSP key.');
      else onSignedIn(key);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setChecking(false);
      probe.stop();
    }
  }

  return (
    <main className="signin">
      <h1>Command Center</h1>
      <p>Sign in with your MSP&rsquo;s API key. It stays in this browser tab only and is forgotten when you sign out or close the tab.</p>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="apiKey"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="cc_…"
          value={value}
          onChange={(event) => setValue(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'api-key-error api-key-help' : 'api-key-help'}
        />
        <p id="api-key-help" className="help">
          Running the sandbox? <code>npm start</code> prints a demo key (&ldquo;Demo MSP API key: cc_…&rdquo;).
        </p>
        {error && (
          <p id="api-key-error" className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={checking}>
          {checking ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
