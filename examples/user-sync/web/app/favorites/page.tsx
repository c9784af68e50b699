'use client';

import { useAuth } from '@clerk/nextjs';
import axios from 'axios';
import { type FormEvent, useCallback, useEffect, useState } from 'react';

interface Favorite {
  id: number;
  title: string;
}

/** The signed-in user's favorites, stored by the API under their User row. */
export default function FavoritesPage() {
  const { isSignedIn, getToken } = useAuth();
  const [favorites, setFavorites] = useState<Favorite[] | null>(null);
  const [title, setTitle] = useState('');
  const [error, setError] = useState<string | null>(null);

  const headers = useCallback(async () => ({ Authorization: `Bearer ${await getToken()}` }), [getToken]);

  useEffect(() => {
    if (!isSignedIn) return;
    headers()
      .then((h) => axios.get<Favorite[]>('/api/favorites', { headers: h }))
      .then(({ data }) => setFavorites(data))
      .catch(() => setError('could not load favorites'));
  }, [isSignedIn, headers]);

  async function add(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const { data } = await axios.post<Favorite>('/api/favorites', { title }, { headers: await headers() });
      setFavorites((list) => [...(list ?? []), data]);
      setTitle('');
    } catch {
      setError('could not add it (has your user row been synced?)');
    }
  }

  if (!isSignedIn) return <p>Sign in to see your favorites.</p>;
  return (
    <main>
      <h1>Favorites</h1>
      {favorites === null ? (
        <p>Loading…</p>
      ) : favorites.length === 0 ? (
        <p id="no-favorites">No favorites yet.</p>
      ) : (
        <ul id="favorites">
          {favorites.map((favorite) => (
            <li key={favorite.id}>{favorite.title}</li>
          ))}
        </ul>
      )}
      <form onSubmit={add}>
        <input name="title" value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Something you like" />
        <button type="submit">Add</button>
      </form>
      {error && <p role="alert">{error}</p>}
    </main>
  );
}
