// Gatehouse change: without these, @clerk/nextjs would talk to Clerk's cloud; `next build` and
// `next start` stop here instead, with one line saying what to run.
const required = ['NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY', 'CLERK_SECRET_KEY', 'CLERK_API_URL', 'NEXT_PUBLIC_CLERK_PROXY_URL'];
const missing = required.filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.error(
    `user-sync: ${missing.join(', ')} not set; run eval "$(npx gatehouse env --shell --data-dir ../../.gatehouse)" in this shell first (Gatehouse must have started once), see README.md`,
  );
  process.exit(1);
}

/** The NestJS API (scripts/start.mjs starts it on API_PORT, 3001 by default). */
const apiUrl = `http://127.0.0.1:${process.env.API_PORT ?? 3001}`;

/** @type {import('next').NextConfig} */
const nextConfig = {
  // The seed's hook posts to "/api/auth/sync" on the page's own origin: Next forwards /api/* to Nest.
  async rewrites() {
    return [{ source: '/api/:path*', destination: `${apiUrl}/api/:path*` }];
  },
};

export default nextConfig;
