import './styles.css';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, setCsrfToken, whenSignedOut } from './api';
import { Setup, SignIn } from './auth-pages';
import { SECTIONS } from './sections';
import { Link, navigate } from './ui';

interface Me {
  operator: { email: string };
  csrf_token: string;
  instance: { id: string; environment_type: string };
}

function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  return path;
}

function App() {
  const path = usePath();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const load = () =>
    api<Me>('GET', '/me').then(
      (value) => {
        setCsrfToken(value.csrf_token);
        setMe(value);
      },
      () => setMe(null),
    );
  useEffect(() => whenSignedOut(() => setMe(null)), []);
  // Who is signed in, once the page is not the set-password page (which needs nobody).
  useEffect(() => {
    if (path !== '/dashboard/setup' && me === undefined) load();
  }, [path]);
  if (path === '/dashboard/setup') return <Setup />;
  if (me === undefined) return null;
  if (me === null)
    return (
      <SignIn
        onSignedIn={() => {
          load();
          if (path === '/dashboard/sign-in' || path === '/dashboard/setup') navigate('/dashboard');
        }}
      />
    );
  const [, , sectionPath = 'overview', id] = path.split('/');
  const section = SECTIONS.find((s) => s.path === sectionPath) ?? SECTIONS[0];
  if (!section) return null;
  const Page = section.page;
  const Detail = section.detail;
  const groups = [...new Set(SECTIONS.map((s) => s.group))];
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <nav class="sidebar" aria-label="Dashboard">
        <div class="brand">
          <span class="logo" aria-hidden="true">
            G
          </span>
          Gatehouse
          <span class={`env env-${me.instance.environment_type}`}>{me.instance.environment_type === 'production' ? 'prod' : 'dev'}</span>
        </div>
        {groups.map((group) => (
          <div key={group} class="nav-group">
            <p class="nav-title">{group}</p>
            {SECTIONS.filter((s) => s.group === group).map((s) => (
              <Link key={s.path} href={`/dashboard/${s.path}`} class="nav-link" aria-current={s === section ? 'page' : undefined}>
                {s.label}
              </Link>
            ))}
          </div>
        ))}
        <div class="sidebar-foot">
          <span class="muted small">{me.operator.email}</span>
          <button
            type="button"
            class="btn btn-small"
            onClick={async () => {
              await api('POST', '/sign-out').catch(() => {});
              setMe(null);
              navigate('/dashboard');
            }}
          >
            Sign out
          </button>
        </div>
      </nav>
      <main id="main" class="content" tabIndex={-1}>
        {id && Detail ? <Detail id={decodeURIComponent(id)} key={id} /> : <Page key={section.path} />}
      </main>
    </div>
  );
}

const root = document.getElementById('app');
if (root) render(<App />, root);
