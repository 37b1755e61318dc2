import { useCallback, useMemo, useState } from 'react';
import { ApolloProvider } from '@apollo/client/react';
import { createClient } from './apollo';
import { Dashboard } from './Dashboard';
import { SignIn } from './SignIn';

const STORAGE_KEY = 'command-center.apiKey';

function storedKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Signed out: the key form. Signed in: the dashboard, on a client (and cache) of its own. */
export function App() {
  const [apiKey, setApiKey] = useState<string | null>(storedKey);
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback((message: string | null = null) => {
    sessionStorage.removeItem(STORAGE_KEY);
    setApiKey(null);
    setNotice(message);
  }, []);

  const client = useMemo(
    () => (apiKey ? createClient(apiKey, () => signOut('Your API key was refused (invalid or revoked). Sign in with a current key.')) : null),
    [apiKey, signOut],
  );

  if (!apiKey || !client) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(key) => {
          sessionStorage.setItem(STORAGE_KEY, key);
          setNotice(null);
          setApiKey(key);
        }}
      />
    );
  }
  return (
    <ApolloProvider client={client}>
      <Dashboard apiKey={apiKey} onSignOut={() => signOut(null)} />
    </ApolloProvider>
  );
}
