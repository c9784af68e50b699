import type { ComponentType } from 'preact';
import { AuditPage } from './audit';
import { ConfigurePage } from './configure';
import { EmailPage } from './email';
import { KeysPage } from './keys';
import { AccountPage } from './operators';
import { OrganizationDetailPage, OrganizationsPage } from './organizations';
import { OverviewPage } from './overview';
import { RolesPage } from './roles';
import { SessionTokenPage } from './session-token';
import { SignInOptionsPage } from './sign-in-options';
import { SocialPage } from './social';
import { UserDetailPage, UsersPage } from './users';
import { WebhookDetailPage, WebhooksPage } from './webhooks';

/**
 * The dashboard's sections, in sidebar order. A feature adds its page here: a path under /dashboard,
 * a label for the sidebar, the list component, and optionally a detail component for `<path>/:id`.
 * (Its API goes in src/http/dashboard/, through the feature's domain service.)
 */
export interface Section {
  path: string;
  label: string;
  group: 'Instance' | 'Users & organizations' | 'Configure' | 'Security';
  page: ComponentType;
  detail?: ComponentType<{ id: string }>;
}

export const SECTIONS: Section[] = [
  { path: 'overview', label: 'Overview', group: 'Instance', page: OverviewPage },
  { path: 'users', label: 'Users', group: 'Users & organizations', page: UsersPage, detail: UserDetailPage },
  {
    path: 'organizations',
    label: 'Organizations',
    group: 'Users & organizations',
    page: OrganizationsPage,
    detail: OrganizationDetailPage,
  },
  { path: 'roles', label: 'Roles & permissions', group: 'Users & organizations', page: RolesPage },
  { path: 'sessions', label: 'Sessions & tokens', group: 'Configure', page: SessionTokenPage },
  { path: 'configure', label: 'Application', group: 'Configure', page: ConfigurePage },
  { path: 'sign-in', label: 'Sign-in & sign-up', group: 'Configure', page: SignInOptionsPage },
  { path: 'social', label: 'Social connections', group: 'Configure', page: SocialPage },
  { path: 'keys', label: 'API keys', group: 'Configure', page: KeysPage },
  { path: 'email', label: 'E-mail', group: 'Configure', page: EmailPage },
  { path: 'webhooks', label: 'Webhooks', group: 'Configure', page: WebhooksPage, detail: WebhookDetailPage },
  { path: 'audit', label: 'Audit log', group: 'Security', page: AuditPage },
  { path: 'operators', label: 'Operators', group: 'Security', page: AccountPage },
];
