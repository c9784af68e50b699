import express from 'express'
import { clerkMiddleware, requireAuth, getAuth } from '@clerk/express'

// Gatehouse change: without these, @clerk/express would send people to Clerk's cloud; stop with one line instead.
const missing = ['CLERK_SECRET_KEY', 'CLERK_PUBLISHABLE_KEY', 'CLERK_API_URL', 'CLERK_PROXY_URL'].filter((name) => !process.env[name])
if (missing.length > 0) {
  console.error(
    `express-hello-world: ${missing.join(', ')} not set; run eval "$(npx gatehouse env --shell --data-dir ../../.gatehouse)" in this shell first (Gatehouse must have started once), see README.md`,
  )
  process.exit(1)
}

const app = express()
app.use(clerkMiddleware())

// Public endpoint
app.get('/api/hello', (req, res) => {
  const { userId } = getAuth(req)
  res.json({
    message: userId ? `Hello user ${userId}!` : 'Hello anonymous!',
    authenticated: !!userId,
  })
})

// Protected endpoint — returns 403 if no valid session
app.get('/api/me', requireAuth(), (req, res) => {
  const { userId, orgId } = getAuth(req)
  res.json({ userId, orgId })
})

// Gatehouse change: the port comes from $PORT so tests can pick a free one (the guide hard-codes 3001).
app.listen(Number(process.env.PORT ?? 3001), process.env.HOST ?? '127.0.0.1')
