// The directory reads of sign-in, token, userinfo and introspection requests, behind one
// interface: cached (rolegate's server) or direct (tests of the rules that read them).
import type { ClientMetadata } from "oidc-provider";
import type { SnapshotAuthorization } from "../access/decide.js";
import {
  loadAuthorizationsByProject,
  loadProjectAccess,
  loadUserProfile,
  type ProjectAccess,
  type UserProfile,
} from "../directory/access-snapshots.js";
import { isKnownOrigin } from "../directory/origins.js";
import type { ReadCache } from "../directory/read-cache.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { findClientMetadata } from "./clients.js";

export interface DirectoryReads {
  /** For the reads that must not be cached (passwords, keys, writes). */
  readonly prisma: PrismaClient;
  client(clientId: string): Promise<ClientMetadata | undefined>;
  projectAccess(userId: string, projectId: string): Promise<ProjectAccess | null>;
  authorizationsByProject(userId: string, projectIds: string[]): Promise<Map<string, SnapshotAuthorization[]>>;
  user(userId: string): Promise<UserProfile | null>;
  knownOrigin(origin: string): Promise<boolean>;
}

export function directReads(prisma: PrismaClient): DirectoryReads {
  return {
    prisma,
    client: (clientId) => findClientMetadata(prisma, clientId),
    projectAccess: (userId, projectId) => loadProjectAccess(prisma, userId, projectId),
    authorizationsByProject: (userId, projectIds) => loadAuthorizationsByProject(prisma, userId, projectIds),
    user: (userId) => loadUserProfile(prisma, userId),
    knownOrigin: (origin) => isKnownOrigin(prisma, origin),
  };
}

/** The same reads through `cache`; cached values are shared, so callers must not change them. */
export function cachedReads(prisma: PrismaClient, cache: ReadCache): DirectoryReads {
  const direct = directReads(prisma);
  return {
    prisma,
    client: (clientId) => cache.get(`client\n${clientId}`, () => direct.client(clientId)),
    projectAccess: (userId, projectId) => cache.get(`access\n${userId}\n${projectId}`, () => direct.projectAccess(userId, projectId)),
    authorizationsByProject: (userId, projectIds) =>
      projectIds.length === 0
        ? direct.authorizationsByProject(userId, projectIds)
        : cache.get(`authorizations\n${userId}\n${[...projectIds].sort().join(",")}`, () => direct.authorizationsByProject(userId, projectIds)),
    user: (userId) => cache.get(`user\n${userId}`, () => direct.user(userId)),
    knownOrigin: (origin) => cache.get(`origin\n${origin}`, () => direct.knownOrigin(origin)),
  };
}
