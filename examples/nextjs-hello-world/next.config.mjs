// Gatehouse change: without these, @clerk/nextjs would talk to Clerk's cloud (or fail in the browser
// much later); `next build` and `next start` stop here instead, with one line saying what to run.
const required = ['NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY', 'CLERK_SECRET_KEY', 'CLERK_API_URL', 'NEXT_PUBLIC_CLERK_PROXY_URL'];
const missing = required.filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.error(
    `nextjs-hello-world: ${missing.join(', ')} not set; run eval "$(npx gatehouse env --shell --data-dir ../../.gatehouse)" in this shell first (Gatehouse must have started once), see README.md`,
  );
  process.exit(1);
}

/** @type {import('next').NextConfig} */
const nextConfig = {};

export default nextConfig;
