// Shared by the Vite examples: building without Gatehouse's variables would give an app that
// silently talks to Clerk's cloud, so the build stops and says how to set them.
const REQUIRED = ['VITE_CLERK_PUBLISHABLE_KEY', 'VITE_CLERK_PROXY_URL', 'VITE_CLERK_JS_URL', 'VITE_CLERK_UI_URL'];

export function requireClerkEnv(mode) {
  if (mode === 'test') return;
  const missing = REQUIRED.filter((name) => !process.env[name]);
  if (missing.length === 0) return;
  throw new Error(`${missing.join(', ')} not set. Run: eval "$(npx gatehouse env --shell --data-dir ../../.gatehouse)" && npm start`);
}
