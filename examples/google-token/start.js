// `npm start`: the dev provider (playing Google) and the app, in one process. Set NO_DEV_PROVIDER=1
// when Gatehouse points at the real Google.
import { startDevProvider } from './dev-provider.js';

if (process.env.NO_DEV_PROVIDER !== '1' && process.env.CLERK_PROXY_URL) {
  await startDevProvider({ callbackUrl: `${process.env.CLERK_PROXY_URL}/v1/oauth_callback` });
}
await import('./server.js');
