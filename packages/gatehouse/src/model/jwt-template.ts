export type JwtTemplateAlgorithm = 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512';

export interface JwtTemplate {
  id: string;
  name: string;
  claims: Record<string, unknown>;
  /** Seconds. */
  lifetime: number;
  /** Seconds. */
  allowedClockSkew: number;
  customSigningKey: boolean;
  signingAlgorithm: JwtTemplateAlgorithm;
  /** The custom signing key sealed with the encryption key; null when the instance key signs. */
  signingKeyEnc: string | null;
  createdAt: number;
  updatedAt: number;
}
