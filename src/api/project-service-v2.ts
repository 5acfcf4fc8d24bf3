// zitadel.project.v2.ProjectService: message mapping onto the shared operations (project-operations.ts).
// Differs from v2beta in names only: `projectId` for `id`, authorizationRequired/projectAccessRequired
// in UpdateProject, and the organization filters.
import type { ServiceImpl } from "@connectrpc/connect";
import type * as grants from "../directory/project-grants.js";
import type * as projects from "../directory/projects.js";
import type { ProjectService } from "../generated/proto/zitadel/project/v2/project_service_pb.js";
import type { ProjectGrantSearchFilter, ProjectSearchFilter } from "../generated/proto/zitadel/project/v2/query_pb.js";
import type { ApiDeps } from "./context.js";
import { fromEnum, now, optionalFromEnum, pagination, paginationResponse, textFilter, ts } from "./convert.js";
import { projectOperations } from "./project-operations.js";
import { GRANT_SORT, LABELING, PROJECT_SORT, projectFields, toProjectGrant } from "./project-messages.js";
import { roleAndGrantMethods } from "./project-roles-and-grants.js";

export function projectServiceV2(deps: ApiDeps): ServiceImpl<typeof ProjectService> {
  const ops = projectOperations(deps, { projectIdField: "projectId" });
  const toProject = (row: projects.ProjectRow) => ({ projectId: row.project.id, ...projectFields(row) });
  return {
    async createProject(req, ctx) {
      const project = await ops.createProject(ctx, {
        organizationId: req.organizationId,
        id: req.projectId,
        name: req.name,
        projectRoleAssertion: req.projectRoleAssertion,
        authorizationRequired: req.authorizationRequired,
        projectAccessRequired: req.projectAccessRequired,
        privateLabelingSetting: fromEnum("privateLabelingSetting", req.privateLabelingSetting, LABELING),
      });
      return { projectId: project.id, creationDate: ts(project.createdAt) };
    },
    async updateProject(req, ctx) {
      const project = await ops.updateProject(ctx, {
        id: req.projectId,
        name: req.name,
        projectRoleAssertion: req.projectRoleAssertion,
        authorizationRequired: req.authorizationRequired,
        projectAccessRequired: req.projectAccessRequired,
        privateLabelingSetting: optionalFromEnum("privateLabelingSetting", req.privateLabelingSetting, LABELING),
      });
      return { changeDate: ts(project.updatedAt) };
    },
    async deleteProject(req, ctx) {
      await ops.deleteProject(ctx, req.projectId);
      return { deletionDate: now() };
    },
    async getProject(req, ctx) {
      return { project: toProject(await ops.getProject(ctx, req.projectId)) };
    },
    async listProjects(req, ctx) {
      const page = await ops.listProjects(ctx, {
        ...readProjectFilters(req.filters),
        pagination: pagination(req.pagination),
        sortBy: optionalFromEnum("sortingColumn", req.sortingColumn, PROJECT_SORT),
      });
      return { pagination: paginationResponse(page), projects: page.items.map(toProject) };
    },
    async deactivateProject(req, ctx) {
      return { changeDate: ts((await ops.deactivateProject(ctx, req.projectId)).updatedAt) };
    },
    async activateProject(req, ctx) {
      return { changeDate: ts((await ops.activateProject(ctx, req.projectId)).updatedAt) };
    },

    ...roleAndGrantMethods(ops),

    async listProjectGrants(req, ctx) {
      const page = await ops.listProjectGrants(ctx, {
        ...readGrantFilters(req.filters),
        pagination: pagination(req.pagination),
        sortBy: optionalFromEnum("sortingColumn", req.sortingColumn, GRANT_SORT),
      });
      return { pagination: paginationResponse(page), projectGrants: page.items.map(toProjectGrant) };
    },
  };
}

/**
 * ProjectOrganizationIDFilter.Type as ZITADEL reads it: OWNED, GRANTED, and OWNED_OR_GRANTED, which
 * TYPE_UNSPECIFIED also means (internal/api/grpc/project/v2/query.go); other numbers are refused.
 */
const ORGANIZATION_FILTER: Record<number, "ownedBy" | "grantedTo" | "ownedOrGrantedTo"> = {
  0: "ownedOrGrantedTo",
  1: "ownedBy",
  2: "grantedTo",
  3: "ownedOrGrantedTo",
};

function readProjectFilters(filters: ProjectSearchFilter[]): projects.ListProjectsInput {
  const input: projects.ListProjectsInput = {};
  for (const { filter } of filters) {
    switch (filter.case) {
      case "projectNameFilter":
        input.name = textFilter("projectNameFilter", filter.value.projectName, filter.value.method);
        break;
      case "inProjectIdsFilter":
        input.ids = filter.value.ids;
        break;
      case "organizationIdFilter":
        input[fromEnum("organizationIdFilter.type", filter.value.type, ORGANIZATION_FILTER)] = filter.value.organizationId;
        break;
    }
  }
  return input;
}

function readGrantFilters(filters: ProjectGrantSearchFilter[]): grants.ListProjectGrantsInput {
  const input: grants.ListProjectGrantsInput = {};
  for (const { filter } of filters) {
    switch (filter.case) {
      case "projectNameFilter":
        input.projectName = textFilter("projectNameFilter", filter.value.projectName, filter.value.method);
        break;
      case "roleKeyFilter":
        input.roleKey = textFilter("roleKeyFilter", filter.value.key, filter.value.method);
        break;
      case "inProjectIdsFilter":
        input.projectIds = filter.value.ids;
        break;
      case "organizationIdFilter":
        input.projectOwnerId = filter.value.id;
        break;
      case "grantedOrganizationIdFilter":
        input.grantedOrganizationId = filter.value.id;
        break;
    }
  }
  return input;
}
