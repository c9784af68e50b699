import { Show } from '@clerk/nextjs';
import Link from 'next/link';

export default function Home() {
  return (
    <main>
      <h1>User sync</h1>
      <Show when="signed-out">
        <p>
          <Link href="/sign-in">Sign in</Link> or <Link href="/sign-up">sign up</Link>.
        </p>
      </Show>
      <Show when="signed-in">
        <p>
          <Link href="/favorites">Your favorites</Link>
        </p>
      </Show>
    </main>
  );
}
