// The directory reads behind the access checks, decided and turned into claims end to end.
import { describe, expect, it } from "vitest";
import { buildRoleClaim } from "../../src/access/claims.js";
import { decideAccess } from "../../src/access/decide.js";
import { loadProjectAccess, loadProjectsAccess } from "../../src/directory/access-snapshots.js";
import { createAuthorization, deactivateAuthorization } from "../../src/directory/authorizations.js";
import { deactivateOrganization } from "../../src/directory/organizations.js";
import { createProjectGrant, deactivateProjectGrant } from "../../src/directory/project-grants.js";
import { deactivateProject, updateProject } from "../../src/directory/projects.js";
import { useDirectory } from "../support/directory.js";
import { makeOrg, makeProject, makeUser } from "../support/fixtures.js";

const { ctx } = useDirectory();

async function scene() {
  const owner = await makeOrg(ctx());
  const partner = await makeOrg(ctx());
  const stranger = await makeOrg(ctx());
  const project = await makeProject(ctx(), owner.id, ["admin", "viewer"], {
    authorizationRequired: true,
    projectAccessRequired: true,
    projectRoleAssertion: true,
  });
  await createProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: partner.id, roleKeys: ["viewer"] });
  return { owner, partner, stranger, project };
}

const decide = async (userId: string, projectId: string) => {
  const access = await loadProjectAccess(ctx().prisma, userId, projectId);
  if (!access) throw new Error("no snapshot");
  const d = decideAccess(access.snapshot);
  return d.allowed ? "allowed" : d.reason;
};

describe("access snapshots from the directory", () => {
  it("a user with viewer held by two orgs gets both org ids mapped to their primary domains", async () => {
    const { owner, partner, project } = await scene();
    const user = await makeUser(ctx(), owner.id);
    await createAuthorization(ctx(), { userId: user.id, projectId: project.id, roleKeys: ["admin", "viewer"] });
    await createAuthorization(ctx(), { userId: user.id, projectId: project.id, organizationId: partner.id, roleKeys: ["viewer"] });
    const access = (await loadProjectAccess(ctx().prisma, user.id, project.id))!;
    expect(decideAccess(access.snapshot)).toEqual({ allowed: true });
    expect(access.projectRoleAssertion).toBe(true);
    expect(access.projectRoleKeys.sort()).toEqual(["admin", "viewer"]);
    expect(buildRoleClaim(access.snapshot.authorizations, { roleKeys: [], roleOrgIds: [] })).toEqual({
      admin: { [owner.id]: owner.primaryDomain },
      viewer: { [owner.id]: owner.primaryDomain, [partner.id]: partner.primaryDomain },
    });
  });

  it("decides own org, granted org, external user grant and no access", async () => {
    const { owner, partner, stranger, project } = await scene();
    const own = await makeUser(ctx(), owner.id);
    const granted = await makeUser(ctx(), partner.id);
    const external = await makeUser(ctx(), stranger.id);
    const nobody = await makeUser(ctx(), stranger.id);
    await createAuthorization(ctx(), { userId: own.id, projectId: project.id, roleKeys: ["admin"] });
    await createAuthorization(ctx(), { userId: granted.id, projectId: project.id, organizationId: partner.id, roleKeys: ["viewer"] });
    await createAuthorization(ctx(), { userId: external.id, projectId: project.id, organizationId: partner.id, roleKeys: ["viewer"] });

    expect(await decide(own.id, project.id)).toBe("allowed");
    expect(await decide(granted.id, project.id)).toBe("allowed");
    expect(await decide(external.id, project.id)).toBe("project_access_required");
    expect(await decide(nobody.id, project.id)).toBe("project_access_required");

    await updateProject(ctx(), { id: project.id, projectAccessRequired: false });
    expect(await decide(external.id, project.id)).toBe("allowed");
    expect(await decide(nobody.id, project.id)).toBe("authorization_required");
  });

  it("sees the states of grants, authorizations, projects and orgs as they change", async () => {
    const { owner, partner, project } = await scene();
    const granted = await makeUser(ctx(), partner.id);
    const auth = await createAuthorization(ctx(), {
      userId: granted.id,
      projectId: project.id,
      organizationId: partner.id,
      roleKeys: ["viewer"],
    });
    expect(await decide(granted.id, project.id)).toBe("allowed");

    await deactivateProjectGrant(ctx(), { projectId: project.id, grantedOrganizationId: partner.id });
    expect(await decide(granted.id, project.id)).toBe("project_access_required");
    await updateProject(ctx(), { id: project.id, projectAccessRequired: false });
    expect(await decide(granted.id, project.id)).toBe("authorization_required"); // the grant's authorizations leave too

    const own = await makeUser(ctx(), owner.id);
    const ownAuth = await createAuthorization(ctx(), { userId: own.id, projectId: project.id, roleKeys: ["admin"] });
    expect(await decide(own.id, project.id)).toBe("allowed");
    await deactivateAuthorization(ctx(), ownAuth.id);
    expect(await decide(own.id, project.id)).toBe("authorization_required");
    expect(auth.state).toBe("ACTIVE");

    await deactivateOrganization(ctx(), partner.id);
    expect(await decide(granted.id, project.id)).toBe("user_org_inactive");
    await deactivateProject(ctx(), project.id);
    expect(await decide(own.id, project.id)).toBe("project_unavailable");
  });

  it("loads several projects' snapshots in one call, and null for unknown ids", async () => {
    const { owner, project } = await scene();
    const other = await makeProject(ctx(), owner.id, ["reader"]);
    const user = await makeUser(ctx(), owner.id);
    await createAuthorization(ctx(), { userId: user.id, projectId: project.id, roleKeys: ["viewer"] });
    await createAuthorization(ctx(), { userId: user.id, projectId: other.id, roleKeys: ["reader"] });
    const byProject = await loadProjectsAccess(ctx().prisma, user.id, [project.id, other.id, "1"]);
    expect(byProject.get(project.id)!.snapshot.authorizations.map((a) => a.roleKeys)).toEqual([["viewer"]]);
    expect(byProject.get(other.id)!.snapshot.authorizations.map((a) => a.roleKeys)).toEqual([["reader"]]);
    expect(byProject.get("1")).toBeNull();
    expect(await loadProjectAccess(ctx().prisma, user.id, "1")).toBeNull();
    expect(await loadProjectAccess(ctx().prisma, "1", project.id)).toBeNull();
  });
});
