export interface HandshakeNonce {
  nonceHash: string;
  clientId: string | null;
  devBrowser: string | null;
  /** The app origin the handshake returns to: the session token's `azp`, and whether cookies are Secure. */
  origin: string;
  expireAt: number;
  createdAt: number;
}

/** A mail kept for the development mailbox page. */
export interface OutboxMail {
  id: string;
  toAddress: string;
  subject: string;
  textBody: string;
  htmlBody: string;
  locale: string;
  createdAt: number;
}
