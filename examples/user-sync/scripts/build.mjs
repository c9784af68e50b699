// `npm run build`: the Prisma client (generated into ./generated), the NestJS API (`nest build` →
// dist/), the Next.js front end (`next build web`; NEXT_PUBLIC_* values are inlined now).
import { bins, CLERK_ENV, requireEnv, run } from './env.mjs';

requireEnv(CLERK_ENV);
run(bins.prisma, ['generate', '--no-hints']);
run(bins.nest, ['build']);
run(bins.next, ['build', 'web']);
