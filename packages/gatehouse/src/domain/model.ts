/**
 * The types the domain hands to the HTTP layer, which may not import the store. Today they are the
 * store's rows under the domain's names; decoding them into camelCase domain types is issue 13 item 2.
 */
export type {
  ClientRow as Client,
  ClientRow,
  EmailAddressRow as EmailAddress,
  EmailAddressRow,
  JwtTemplateRow,
  OrganizationMembershipRow,
  OrganizationRow,
  SessionRow as Session,
  SessionRow,
  SignInRow as SignIn,
  SignInRow,
  SignUpRow as SignUp,
  SignUpRow,
  UserRow,
  VerificationCodeRow as VerificationCode,
  VerificationCodeRow,
} from '../store/schema.js';
