/** How a one-time code reaches a person; the mail module implements it. */
export interface CodeMessage {
  to: string;
  kind: 'verification_code' | 'sign_in_code' | 'reset_password_code';
  locale: string;
  code: string;
  expiresInMinutes: number;
}

export type CodeSender = (message: CodeMessage) => Promise<void>;
