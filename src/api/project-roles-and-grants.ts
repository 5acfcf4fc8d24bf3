// The ProjectService methods whose messages are the same in v2beta and v2: roles, and the grant
// changes (the grant list's filters differ, so each version maps ListProjectGrants itself).
import type { HandlerContext } from "@connectrpc/connect";
import { now, paginationResponse, ts } from "./convert.js";
import { type ListProjectRolesMessage, readListProjectRoles, toProjectRole } from "./project-messages.js";
import type { ProjectOperations } from "./project-operations.js";

type Input<K extends keyof ProjectOperations> = Parameters<ProjectOperations[K]>[1];

export function roleAndGrantMethods(ops: ProjectOperations) {
  return {
    async addProjectRole(req: Input<"addProjectRole">, ctx: HandlerContext) {
      return { creationDate: ts((await ops.addProjectRole(ctx, req)).createdAt) };
    },
    async updateProjectRole(req: Input<"updateProjectRole">, ctx: HandlerContext) {
      return { changeDate: ts((await ops.updateProjectRole(ctx, req)).updatedAt) };
    },
    async removeProjectRole(req: Input<"removeProjectRole">, ctx: HandlerContext) {
      await ops.removeProjectRole(ctx, req);
      return { removalDate: now() };
    },
    async listProjectRoles(req: ListProjectRolesMessage, ctx: HandlerContext) {
      const page = await ops.listProjectRoles(ctx, readListProjectRoles(req));
      return { pagination: paginationResponse(page), projectRoles: page.items.map(toProjectRole) };
    },
    async createProjectGrant(req: Input<"createProjectGrant">, ctx: HandlerContext) {
      return { creationDate: ts((await ops.createProjectGrant(ctx, req)).createdAt) };
    },
    async updateProjectGrant(req: Input<"updateProjectGrant">, ctx: HandlerContext) {
      return { changeDate: ts((await ops.updateProjectGrant(ctx, req)).updatedAt) };
    },
    async deleteProjectGrant(req: Input<"deleteProjectGrant">, ctx: HandlerContext) {
      await ops.deleteProjectGrant(ctx, req);
      return { deletionDate: now() };
    },
    async deactivateProjectGrant(req: Input<"deactivateProjectGrant">, ctx: HandlerContext) {
      return { changeDate: ts((await ops.deactivateProjectGrant(ctx, req)).updatedAt) };
    },
    async activateProjectGrant(req: Input<"activateProjectGrant">, ctx: HandlerContext) {
      return { changeDate: ts((await ops.activateProjectGrant(ctx, req)).updatedAt) };
    },
  };
}
