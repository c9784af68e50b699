import { Show, SignIn, SignUp, UserButton, useAuth, useUser } from '@clerk/react';
import { useState } from 'react';

function Home() {
  const { user } = useUser();
  const { getToken } = useAuth();
  const [api, setApi] = useState(null);

  async function callApi() {
    const token = await getToken();
    const response = await fetch('/api/me', { headers: { Authorization: `Bearer ${token}` } });
    setApi(await response.json());
  }

  return (
    <main>
      <Show when="signed-out">
        <h1>Welcome</h1>
        <p>
          <a href="/sign-in">Sign in</a> or <a href="/sign-up">sign up</a>.
        </p>
      </Show>
      <Show when="signed-in">
        <header>
          <h1>Hello, {user?.firstName || user?.primaryEmailAddress?.emailAddress}!</h1>
          <UserButton />
        </header>
        <button type="button" onClick={callApi}>
          Call the API
        </button>
        {api && <pre id="api-response">{JSON.stringify(api)}</pre>}
      </Show>
    </main>
  );
}

export function App() {
  const path = window.location.pathname;
  if (path.startsWith('/sign-in')) return <SignIn routing="path" path="/sign-in" />;
  if (path.startsWith('/sign-up')) return <SignUp routing="path" path="/sign-up" />;
  return <Home />;
}
