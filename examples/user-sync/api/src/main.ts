import 'reflect-metadata';
import { clerkMiddleware } from '@clerk/express';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

const required = ['CLERK_SECRET_KEY', 'CLERK_PUBLISHABLE_KEY', 'CLERK_API_URL', 'CLERK_JWT_KEY', 'DATABASE_URL'];
const missing = required.filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.error(`user-sync api: ${missing.join(', ')} not set; see examples/user-sync/README.md`);
  process.exit(1);
}

async function bootstrap(): Promise<void> {
  // rawBody: the webhook signature is over the exact bytes received.
  const app = await NestFactory.create(AppModule, { rawBody: true, logger: ['error', 'warn'] });
  // Reads the Bearer session token of each request (networkless, with CLERK_JWT_KEY); SessionGuard
  // turns "no valid token" into 401 on the routes that need a user.
  app.use(clerkMiddleware());
  app.enableShutdownHooks();
  const port = Number(process.env.API_PORT ?? 3001);
  await app.listen(port, '127.0.0.1');
  console.log(`user-sync API on http://127.0.0.1:${port}`);
}

void bootstrap();
