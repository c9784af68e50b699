import { ClerkProvider, Show, UserButton } from '@clerk/nextjs';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { SyncUser } from './sync-user';

export const metadata = { title: 'User sync on Gatehouse' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <ClerkProvider>
      <html lang="en">
        <body>
          <nav>
            <Link href="/">Home</Link> · <Link href="/favorites">Favorites</Link> · <Link href="/user">Profile</Link>
            <Show when="signed-in">
              <UserButton />
            </Show>
          </nav>
          <Show when="signed-in">
            <SyncUser />
          </Show>
          {children}
        </body>
      </html>
    </ClerkProvider>
  );
}
