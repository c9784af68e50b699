import type { Metadata } from './user.js';

export interface Organization {
  id: string;
  name: string;
  slug: string;
  imageUrl: string | null;
  /** 0 means no limit. */
  maxAllowedMemberships: number;
  adminDeleteEnabled: boolean;
  publicMetadata: Metadata;
  privateMetadata: Metadata;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface OrganizationMembership {
  id: string;
  organizationId: string;
  userId: string;
  /** A role key such as `org:admin` or `org:member`. */
  role: string;
  publicMetadata: Metadata;
  privateMetadata: Metadata;
  createdAt: number;
  updatedAt: number;
}
