// Small builders for directory scenes. Users are inserted directly (their own module has its
// own tests); everything else goes through the directory operations.
import type { DirectoryContext } from "../../src/directory/context.js";
import { createOrganization } from "../../src/directory/organizations.js";
import { addProjectRole, createProject, type CreateProjectInput } from "../../src/directory/projects.js";
import { newId } from "../../src/ids.js";
import { unique } from "./directory.js";

export async function makeOrg(ctx: DirectoryContext, name = unique("Org")) {
  return createOrganization(ctx, { name });
}

export async function makeUser(ctx: DirectoryContext, orgId: string) {
  const username = unique("user");
  return ctx.prisma.user.create({
    data: { id: newId(), orgId, type: "HUMAN", username, loginKey: username.toLowerCase(), email: `${username}@example.com` },
  });
}

/** A project owned by `orgId` with the given role keys. */
export async function makeProject(
  ctx: DirectoryContext,
  orgId: string,
  roleKeys: string[] = [],
  settings: Partial<CreateProjectInput> = {},
) {
  const project = await createProject(ctx, { organizationId: orgId, name: unique("Project"), ...settings });
  for (const key of roleKeys) await addProjectRole(ctx, { projectId: project.id, roleKey: key, displayName: key.toUpperCase() });
  return project;
}
