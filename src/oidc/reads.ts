// The directory reads of sign-in, token, userinfo and introspection requests, behind one
// interface: cached (rolegate's server) or direct (tests of the rules that read them).
import type { ClientMetadata } from "oidc-provider";
import {
  loadProjectAccess,
  loadProjectsAccess,
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
  /** projectAccess for several projects in one directory query (every id a key, null: unknown). */
  projectsAccess(userId: string, projectIds: string[]): Promise<Map<string, ProjectAccess | null>>;
  user(userId: string): Promise<UserProfile | null>;
  knownOrigin(origin: string): Promise<boolean>;
}

export function directReads(prisma: PrismaClient): DirectoryReads {
  return {
    prisma,
    client: (clientId) => findClientMetadata(prisma, clientId),
    projectAccess: (userId, projectId) => loadProjectAccess(prisma, userId, projectId),
    projectsAccess: (userId, projectIds) => loadProjectsAccess(prisma, userId, projectIds),
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
    projectAccess: (userId, projectId) => cache.get(accessKey(userId, projectId), () => direct.projectAccess(userId, projectId)),
    projectsAccess: (userId, projectIds) => cachedProjectsAccess(cache, direct, userId, projectIds),
    user: (userId) => cache.get(`user\n${userId}`, () => direct.user(userId)),
    knownOrigin: (origin) => cache.get(`origin\n${origin}`, () => direct.knownOrigin(origin)),
  };
}

const accessKey = (userId: string, projectId: string) => `access\n${userId}\n${projectId}`;

/**
 * projectsAccess through the cache, entry by entry (the same entries as projectAccess): the
 * projects without a fresh entry are loaded together in one query, and each gets its entry.
 */
async function cachedProjectsAccess(
  cache: ReadCache,
  direct: DirectoryReads,
  userId: string,
  projectIds: string[],
): Promise<Map<string, ProjectAccess | null>> {
  const ids = [...new Set(projectIds)];
  const missing: string[] = [];
  let settle!: { resolve: (m: Map<string, ProjectAccess | null>) => void; reject: (e: unknown) => void };
  const batch = new Promise<Map<string, ProjectAccess | null>>((resolve, reject) => (settle = { resolve, reject }));
  // ReadCache.get calls the loader at once on a miss: collect the misses, then load them.
  const values = ids.map((projectId) =>
    cache.get(accessKey(userId, projectId), () => {
      missing.push(projectId);
      return batch.then((loaded) => loaded.get(projectId) ?? null);
    }),
  );
  if (missing.length > 0) direct.projectsAccess(userId, missing).then(settle.resolve, settle.reject);
  const loaded = await Promise.all(values);
  return new Map(ids.map((projectId, i) => [projectId, loaded[i]!]));
}
