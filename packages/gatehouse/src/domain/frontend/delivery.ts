/** How a one-time code reaches a person; the mail module implements it. */
export interface CodeMessage {
  to: string;
  kind: 'verification_code' | 'sign_in_code' | 'reset_password_code';
  locale: string;
  code: string;
  expiresInMinutes: number;
}

export type CodeSender = (message: CodeMessage) => Promise<void>;

/** An invitation (to an organization or to the application) with the link that carries its ticket. */
export interface InvitationMessage {
  to: string;
  locale: string;
  url: string;
  /** The organization's name for an organization invitation; absent for an instance invitation. */
  organizationName?: string;
  expiresInDays: number;
}

export type InvitationSender = (message: InvitationMessage) => Promise<void>;
