// zitadel.project.v2beta.ProjectService: message mapping onto the shared operations (project-operations.ts).
import type { ServiceImpl } from "@connectrpc/connect";
import type { ProjectService } from "@zitadel/proto/zitadel/project/v2beta/project_service_pb.js";
import type { ProjectGrantSearchFilter, ProjectSearchFilter } from "@zitadel/proto/zitadel/project/v2beta/query_pb.js";
import type * as grants from "../directory/project-grants.js";
import type * as projects from "../directory/projects.js";
import type { ApiDeps } from "./context.js";
import { fromEnum, now, optionalFromEnum, pagination, paginationResponse, textFilter, ts } from "./convert.js";
import { projectOperations } from "./project-operations.js";
import { GRANT_SORT, LABELING, PROJECT_SORT, projectFields, toProjectGrant } from "./project-messages.js";
import { roleAndGrantMethods } from "./project-roles-and-grants.js";

export function projectService(deps: ApiDeps): ServiceImpl<typeof ProjectService> {
  const ops = projectOperations(deps, { projectIdField: "id" });
  const toProject = (row: projects.ProjectRow) => ({ id: row.project.id, ...projectFields(row) });
  return {
    async createProject(req, ctx) {
      const project = await ops.createProject(ctx, {
        organizationId: req.organizationId,
        id: req.id,
        name: req.name,
        projectRoleAssertion: req.projectRoleAssertion,
        authorizationRequired: req.authorizationRequired,
        projectAccessRequired: req.projectAccessRequired,
        privateLabelingSetting: fromEnum("privateLabelingSetting", req.privateLabelingSetting, LABELING),
      });
      return { id: project.id, creationDate: ts(project.createdAt) };
    },
    async updateProject(req, ctx) {
      const project = await ops.updateProject(ctx, {
        id: req.id,
        name: req.name,
        projectRoleAssertion: req.projectRoleAssertion,
        authorizationRequired: req.projectRoleCheck,
        projectAccessRequired: req.hasProjectCheck,
        privateLabelingSetting: optionalFromEnum("privateLabelingSetting", req.privateLabelingSetting, LABELING),
      });
      return { changeDate: ts(project.updatedAt) };
    },
    async deleteProject(req, ctx) {
      await ops.deleteProject(ctx, req.id);
      return { deletionDate: now() };
    },
    async getProject(req, ctx) {
      return { project: toProject(await ops.getProject(ctx, req.id)) };
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
      return { changeDate: ts((await ops.deactivateProject(ctx, req.id)).updatedAt) };
    },
    async activateProject(req, ctx) {
      return { changeDate: ts((await ops.activateProject(ctx, req.id)).updatedAt) };
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
      case "projectResourceOwnerFilter":
        input.ownedBy = filter.value.id;
        break;
      case "projectGrantResourceOwnerFilter":
        input.grantedTo = filter.value.id;
        break;
      case "projectOrganizationIdFilter":
        input.ownedOrGrantedTo = filter.value.id;
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
      case "projectResourceOwnerFilter":
        input.projectOwnerId = filter.value.id;
        break;
      case "projectGrantResourceOwnerFilter":
        input.grantedOrganizationId = filter.value.id;
        break;
    }
  }
  return input;
}
