import Link from 'next/link'

export default function Home() {
  return (
    <main>
      <h1>Clerk hello world</h1>
      <p>
        <Link href="/dashboard">Dashboard</Link> · <Link href="/sign-in">Sign in</Link> · <Link href="/sign-up">Sign up</Link>
      </p>
    </main>
  )
}
