const SILHOUETTE =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#d9dadd"/>' +
  '<circle cx="32" cy="25" r="11" fill="#f6f7f9"/><path d="M12 60c2-12 10-18 20-18s18 6 20 18z" fill="#f6f7f9"/></svg>';

/**
 * What `image_url` is for a user without a picture. Clerk always returns a default avatar there
 * (with `has_image: false`), and apps written for Clerk put it straight into `<img src>`: an empty
 * string shows a broken image. A data URI needs no request and no public URL, and the prebuilt
 * components use it as it is (they add size parameters to http URLs only).
 */
export const DEFAULT_USER_IMAGE_URL = `data:image/svg+xml;base64,${Buffer.from(SILHOUETTE).toString('base64')}`;

export function userImageUrl(imageUrl: string | null): string {
  return imageUrl || DEFAULT_USER_IMAGE_URL;
}
