/** An uploaded image (avatar or logo), stored once per content. */
export interface StoredImage {
  /** Hex SHA-256 of `bytes`. */
  id: string;
  contentType: string;
  size: number;
  bytes: Buffer;
  createdAt: number;
}
