// Our own zitadel.project.v2 and zitadel.filter.v2 definitions (proto/, generated into
// src/generated/proto) against the code @zitadel/node 3.0.28 generated from ZITADEL's protos:
// the same messages, fields, presence, enums and service; and every request and response of
// ProjectService, fully populated, crosses the wire both ways (binary and JSON) unchanged.
// Every file of the FILES table (authorization, internal_permission and application v2 too) gets the same checks, generated from
// its descriptors: each message fully populated, once per oneof case; each service's methods.
import {
  create,
  type DescEnum,
  type DescField,
  type DescFile,
  type DescMessage,
  equals,
  fromBinary,
  fromJson,
  type JsonValue,
  ScalarType,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import { nestedTypes } from "@bufbuild/protobuf/reflect";
import { DurationSchema, FeatureSet_FieldPresence, type Timestamp, TimestampSchema, timestampDate } from "@bufbuild/protobuf/wkt";
import * as theirApi from "@zitadel/node/dist/api/generated/zitadel/application/v2/api.js";
import * as theirApplication from "@zitadel/node/dist/api/generated/zitadel/application/v2/application.js";
import * as theirAppService from "@zitadel/node/dist/api/generated/zitadel/application/v2/application_service.js";
import * as theirLogin from "@zitadel/node/dist/api/generated/zitadel/application/v2/login.js";
import * as theirOidc from "@zitadel/node/dist/api/generated/zitadel/application/v2/oidc.js";
import * as theirSaml from "@zitadel/node/dist/api/generated/zitadel/application/v2/saml.js";
import * as theirAuthorization from "@zitadel/node/dist/api/generated/zitadel/authorization/v2/authorization.js";
import * as theirAuthorizationService from "@zitadel/node/dist/api/generated/zitadel/authorization/v2/authorization_service.js";
import * as theirFilter from "@zitadel/node/dist/api/generated/zitadel/filter/v2/filter.js";
import * as theirPermissionService from "@zitadel/node/dist/api/generated/zitadel/internal_permission/v2/internal_permission_service.js";
import * as theirPermissionQuery from "@zitadel/node/dist/api/generated/zitadel/internal_permission/v2/query.js";
import * as theirService from "@zitadel/node/dist/api/generated/zitadel/project/v2/project_service.js";
import * as theirQuery from "@zitadel/node/dist/api/generated/zitadel/project/v2/query.js";
import Long from "long";
import { describe, expect, it } from "vitest";
import * as ourApi from "../../src/generated/proto/zitadel/application/v2/api_pb.js";
import * as ourApplication from "../../src/generated/proto/zitadel/application/v2/application_pb.js";
import * as ourAppService from "../../src/generated/proto/zitadel/application/v2/application_service_pb.js";
import * as ourLogin from "../../src/generated/proto/zitadel/application/v2/login_pb.js";
import * as ourOidc from "../../src/generated/proto/zitadel/application/v2/oidc_pb.js";
import * as ourSaml from "../../src/generated/proto/zitadel/application/v2/saml_pb.js";
import * as ourAuthorization from "../../src/generated/proto/zitadel/authorization/v2/authorization_pb.js";
import * as ourAuthorizationService from "../../src/generated/proto/zitadel/authorization/v2/authorization_service_pb.js";
import * as ourFilter from "../../src/generated/proto/zitadel/filter/v2/filter_pb.js";
import * as ourPermissionService from "../../src/generated/proto/zitadel/internal_permission/v2/internal_permission_service_pb.js";
import * as ourPermissionQuery from "../../src/generated/proto/zitadel/internal_permission/v2/query_pb.js";
import * as ourService from "../../src/generated/proto/zitadel/project/v2/project_service_pb.js";
import * as ourQuery from "../../src/generated/proto/zitadel/project/v2/query_pb.js";

type Module = Record<string, unknown>;
type TheirFns<T> = theirService.MessageFns<T>;

// Each of our generated files beside the @zitadel/node module generated from ZITADEL's file of the same name.
const FILES: { path: string; ours: Module; file: DescFile; theirs: Module }[] = [
  { path: "zitadel/filter/v2/filter.proto", ours: ourFilter, file: ourFilter.file_zitadel_filter_v2_filter, theirs: theirFilter },
  { path: "zitadel/project/v2/query.proto", ours: ourQuery, file: ourQuery.file_zitadel_project_v2_query, theirs: theirQuery },
  {
    path: "zitadel/project/v2/project_service.proto",
    ours: ourService,
    file: ourService.file_zitadel_project_v2_project_service,
    theirs: theirService,
  },
  {
    path: "zitadel/authorization/v2/authorization.proto",
    ours: ourAuthorization,
    file: ourAuthorization.file_zitadel_authorization_v2_authorization,
    theirs: theirAuthorization,
  },
  {
    path: "zitadel/authorization/v2/authorization_service.proto",
    ours: ourAuthorizationService,
    file: ourAuthorizationService.file_zitadel_authorization_v2_authorization_service,
    theirs: theirAuthorizationService,
  },
  {
    path: "zitadel/internal_permission/v2/query.proto",
    ours: ourPermissionQuery,
    file: ourPermissionQuery.file_zitadel_internal_permission_v2_query,
    theirs: theirPermissionQuery,
  },
  {
    path: "zitadel/internal_permission/v2/internal_permission_service.proto",
    ours: ourPermissionService,
    file: ourPermissionService.file_zitadel_internal_permission_v2_internal_permission_service,
    theirs: theirPermissionService,
  },
  { path: "zitadel/application/v2/login.proto", ours: ourLogin, file: ourLogin.file_zitadel_application_v2_login, theirs: theirLogin },
  { path: "zitadel/application/v2/api.proto", ours: ourApi, file: ourApi.file_zitadel_application_v2_api, theirs: theirApi },
  { path: "zitadel/application/v2/saml.proto", ours: ourSaml, file: ourSaml.file_zitadel_application_v2_saml, theirs: theirSaml },
  { path: "zitadel/application/v2/oidc.proto", ours: ourOidc, file: ourOidc.file_zitadel_application_v2_oidc, theirs: theirOidc },
  {
    path: "zitadel/application/v2/application.proto",
    ours: ourApplication,
    file: ourApplication.file_zitadel_application_v2_application,
    theirs: theirApplication,
  },
  {
    path: "zitadel/application/v2/application_service.proto",
    ours: ourAppService,
    file: ourAppService.file_zitadel_application_v2_application_service,
    theirs: theirAppService,
  },
];

// Fields ZITADEL's protos gained after the release @zitadel/node 3.0.28 was generated from (checked
// against ZITADEL's application.proto, which has `string project_id = 9` on Application). We send
// them; a client generated from the older protos skips them as unknown fields.
const LATER_FIELDS: Record<string, { name: string; number: number; scalar: ScalarType }[]> = {
  "zitadel.application.v2.Application": [{ name: "project_id", number: 9, scalar: ScalarType.STRING }],
};
const isLater = (field: DescField) => LATER_FIELDS[field.parent.typeName]?.some((later) => later.name === field.name) ?? false;
/** A message's fields that @zitadel/node 3.0.28 knows. */
const knownFields = (schema: DescMessage) => schema.fields.filter((field) => !isLater(field));

const isMessageFns = (value: unknown): value is TheirFns<Record<string, unknown>> =>
  typeof value === "object" && value !== null && "encode" in value && "decode" in value && "fromPartial" in value;
const isEnum = (value: unknown): value is Record<string, string | number> =>
  typeof value === "object" && value !== null && "UNRECOGNIZED" in value;
// ts-proto names a nested type Outer_Inner.
const tsProtoName = (desc: DescMessage | DescEnum) => desc.typeName.slice(desc.file.proto.package.length + 1).replaceAll(".", "_");

describe.each(FILES)("$path", ({ ours, file, theirs }) => {
  const theirMessages = Object.entries(theirs).filter(([, value]) => isMessageFns(value));
  const theirEnums = Object.entries(theirs).filter(([, value]) => isEnum(value));
  const ourTypes = [...nestedTypes(file)];

  it("declares the same package, messages and enums", () => {
    expect(file.proto.package).toBe(theirs.protobufPackage);
    const ourMessages = ourTypes.filter((desc) => desc.kind === "message").map(tsProtoName);
    const ourEnums = ourTypes.filter((desc) => desc.kind === "enum").map(tsProtoName);
    expect(ourMessages.sort()).toEqual(theirMessages.map(([name]) => name).sort());
    expect(ourEnums.sort()).toEqual(theirEnums.map(([name]) => name).sort());
  });

  it("gives each message the same fields, with the same presence and cardinality", () => {
    for (const [name, fns] of theirMessages) {
      const schema = ours[`${name}Schema`] as DescMessage;
      // ts-proto's empty message: every field present as a key; undefined for a field with explicit
      // presence (proto3 optional, message, oneof member), [] for a repeated one.
      const empty = (fns as TheirFns<Record<string, unknown>>).fromPartial({});
      expect(
        knownFields(schema)
          .map((f) => f.localName)
          .sort(),
        name,
      ).toEqual(Object.keys(empty).sort());
      for (const field of knownFields(schema)) {
        const theirDefault = empty[field.localName];
        const where = `${name}.${field.name}`;
        expect(field.fieldKind === "list", where).toBe(Array.isArray(theirDefault));
        if (field.fieldKind === "scalar" || field.fieldKind === "enum") {
          expect(field.presence !== FeatureSet_FieldPresence.IMPLICIT, where).toBe(theirDefault === undefined);
        }
      }
    }
  });

  it("gives each message's fields the same numbers, types and JSON names: every field set, every oneof case, both ways", () => {
    for (const [name, fns] of theirMessages) {
      const schema = ours[`${name}Schema`] as DescMessage;
      const theirFns = fns as TheirFns<unknown>;
      for (let variant = 0; variant < variantsOf(schema); variant++) {
        const value = populated(schema, variant);
        const theirValue = theirFns.decode(toBinary(schema, value));
        const back = fromBinary(schema, theirFns.encode(theirValue).finish());
        expect(equals(schema, back, value), `${name} #${variant}`).toBe(true);
        expect(canonicalJson(schema, theirFns.toJSON(theirValue)), `${name} #${variant}`).toEqual(toJson(schema, value));
      }
    }
  });

  it("declares each service with @zitadel/node's name, methods, request and response types", () => {
    const typeName = (fns: unknown) => `${theirs.protobufPackage}.${Object.entries(theirs).find(([, value]) => value === fns)?.[0]}`;
    for (const service of file.services) {
      const definition = theirs[`${service.name}Definition`] as typeof theirService.ProjectServiceDefinition;
      expect(service.typeName).toBe(definition.fullName);
      const theirMethods = Object.values(definition.methods).map((m) => ({
        name: m.name,
        input: typeName(m.requestType),
        output: typeName(m.responseType),
        streaming: [m.requestStream, m.responseStream],
      }));
      const ourMethods = service.methods.map((m) => ({
        name: m.name,
        input: m.input.typeName,
        output: m.output.typeName,
        streaming: [
          m.methodKind === "client_streaming" || m.methodKind === "bidi_streaming",
          m.methodKind === "server_streaming" || m.methodKind === "bidi_streaming",
        ],
      }));
      expect(ourMethods).toEqual(theirMethods);
    }
    const theirServices = Object.keys(theirs).filter((key) => key.endsWith("ServiceDefinition"));
    expect(file.services.map((service) => `${service.name}Definition`)).toEqual(theirServices);
  });

  it("gives each enum the same value names and numbers", () => {
    for (const [name, values] of theirEnums) {
      const schema = ours[`${name}Schema`] as DescEnum;
      const theirValues = Object.entries(values as Record<string, string | number>).filter(
        ([key, n]) => typeof n === "number" && key !== "UNRECOGNIZED",
      );
      expect(
        schema.values.map((v) => [v.name, v.number]),
        name,
      ).toEqual(theirValues);
    }
  });
});

describe("fields ZITADEL added after @zitadel/node 3.0.28", () => {
  const schemas = new Map<string, { schema: DescMessage; theirs: Module }>();
  for (const { file, theirs } of FILES) {
    for (const desc of nestedTypes(file)) if (desc.kind === "message") schemas.set(desc.typeName, { schema: desc, theirs });
  }
  const later = Object.entries(LATER_FIELDS).flatMap(([typeName, fields]) => fields.map((field) => ({ typeName, ...field })));

  it.each(later)(
    "$typeName.$name has ZITADEL's number and type, and an older client reads past it",
    ({ typeName, name, number, scalar }) => {
      const { schema, theirs } = schemas.get(typeName)!;
      const field = schema.fields.find((f) => f.name === name);
      expect(field?.number).toBe(number);
      expect(field?.fieldKind === "scalar" ? field.scalar : undefined).toBe(scalar);
      const theirFns = theirs[tsProtoName(schema)] as TheirFns<unknown>;
      const without = populated(schema, 0);
      const withIt = create(schema, { ...without, [field!.localName]: fieldValue(field!, 0, 0) });
      // Decoded by the older client: the same message as without the field.
      const theirValue = theirFns.decode(toBinary(schema, withIt));
      expect(theirValue).toEqual(theirFns.decode(toBinary(schema, without)));
      // Our own client reads it back.
      expect(fromBinary(schema, toBinary(schema, withIt))[field!.localName as keyof typeof withIt]).toBe(`${name}-0`);
    },
  );
});

// A message with every field set to a value that differs from its default; `variant` picks each
// oneof's case (its index modulo the number of cases) and, in repeated fields, the cases of the items.
const MAX_DEPTH = 4;
function populated(schema: DescMessage, variant: number, depth = 0): Record<string, unknown> & { $typeName: string } {
  if (schema.typeName === TimestampSchema.typeName) {
    return create(TimestampSchema, { seconds: 1734508247n + BigInt(variant), nanos: 492_000_000 });
  }
  if (schema.typeName === DurationSchema.typeName) return create(DurationSchema, { seconds: 1n + BigInt(variant), nanos: 500_000_000 });
  const init: Record<string, unknown> = {};
  for (const oneof of schema.oneofs) {
    const member = oneof.fields[variant % oneof.fields.length]!;
    init[oneof.localName] = { case: member.localName, value: fieldValue(member, variant, depth) };
  }
  for (const field of knownFields(schema)) {
    if (field.oneof || (depth >= MAX_DEPTH && (field.fieldKind === "message" || field.fieldKind === "list"))) continue;
    init[field.localName] =
      field.fieldKind === "list"
        ? [fieldValue(field, variant, depth), fieldValue(field, variant + 1, depth)]
        : fieldValue(field, variant, depth);
  }
  return create(schema, init) as unknown as Record<string, unknown> & { $typeName: string };
}

function fieldValue(field: DescField, variant: number, depth: number): unknown {
  const message = field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message") ? field.message : undefined;
  if (message) return populated(message, variant, depth + 1);
  const enumeration = field.fieldKind === "enum" || (field.fieldKind === "list" && field.listKind === "enum") ? field.enum : undefined;
  if (enumeration) return enumeration.values[(variant + 1) % enumeration.values.length]!.number;
  const scalar = field.fieldKind === "scalar" || field.fieldKind === "list" ? field.scalar : undefined;
  switch (scalar) {
    case ScalarType.STRING:
      return `${field.name}-${variant}`;
    case ScalarType.BOOL:
      return true;
    case ScalarType.BYTES:
      return new Uint8Array([1, 2, 3, variant]);
    case ScalarType.UINT64:
      return 18446744073709551615n - BigInt(variant);
    case ScalarType.INT64:
      return -9223372036854775807n + BigInt(variant);
    case ScalarType.UINT32:
      return 4294967295 - variant;
    default:
      return 7 + variant;
  }
}

/** How many variants populated() needs to reach every oneof case of the message and those inside it. */
function variantsOf(schema: DescMessage, seen = new Set<string>()): number {
  if (seen.has(schema.typeName)) return 1;
  seen.add(schema.typeName);
  let most = 1;
  for (const oneof of schema.oneofs) most = Math.max(most, oneof.fields.length);
  for (const field of schema.fields) {
    if (field.message) most = Math.max(most, variantsOf(field.message, seen));
  }
  return most;
}

// ts-proto writes a Duration in JSON as {seconds, nanos}, not as proto3 JSON's "1.5s"; everything
// else of its JSON is proto3 JSON.
function canonicalJson(schema: DescMessage, json: unknown): unknown {
  if (schema.typeName === DurationSchema.typeName) {
    const { seconds = "0", nanos = 0 } = json as { seconds?: string; nanos?: number };
    return toJson(DurationSchema, create(DurationSchema, { seconds: BigInt(seconds), nanos }));
  }
  if (typeof json !== "object" || json === null) return json;
  const out: Record<string, unknown> = { ...(json as Record<string, unknown>) };
  for (const field of schema.fields) {
    const value = out[field.jsonName];
    if (value === undefined || !field.message) continue;
    out[field.jsonName] = Array.isArray(value)
      ? value.map((item) => canonicalJson(field.message!, item))
      : canonicalJson(field.message, value);
  }
  return out;
}

// Representative values, every field set to a non-default value (optional ones included), each
// repeated filter list holding every case of its oneof; uint64 and uint32 values past the signed
// range, so a signed field on either side would read them differently.
const at = (iso: string) => new Date(iso);
const CREATED = at("2024-12-18T07:50:47.492Z");
const CHANGED = at("2025-01-23T10:34:18.051Z");
// (@zitadel/node takes uint64 as unsigned Long; it would read a string as signed.)
const uint64 = (decimal: string) => Long.fromString(decimal, true);
const PAGE_REQUEST = { offset: uint64("18446744073709551615"), limit: 4294967295, asc: true };
const PAGE_RESPONSE = { totalResult: uint64("9223372036854775808"), appliedLimit: uint64("100") };
const PROJECT = {
  projectId: "336494809936035843",
  organizationId: "336392597046099971",
  creationDate: CREATED,
  changeDate: CHANGED,
  name: "Portal",
  state: theirQuery.ProjectState.PROJECT_STATE_INACTIVE,
  projectRoleAssertion: true,
  authorizationRequired: true,
  projectAccessRequired: true,
  privateLabelingSetting: theirQuery.PrivateLabelingSetting.PRIVATE_LABELING_SETTING_ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY,
  grantedOrganizationId: "336392597046099972",
  grantedOrganizationName: "Partner",
  grantedState: theirQuery.GrantedProjectState.GRANTED_PROJECT_STATE_ACTIVE,
};
const ROLE = {
  projectId: "336494809936035843",
  key: "admin",
  creationDate: CREATED,
  changeDate: CHANGED,
  displayName: "Administrator",
  group: "staff",
};
const GRANT = {
  organizationId: "336392597046099971",
  creationDate: CREATED,
  changeDate: CHANGED,
  grantedOrganizationId: "336392597046099972",
  grantedOrganizationName: "Partner",
  grantedRoleKeys: ["admin", "reader"],
  projectId: "336494809936035843",
  projectName: "Portal",
  state: theirQuery.ProjectGrantState.PROJECT_GRANT_STATE_INACTIVE,
};
const CONTAINS = theirFilter.TextFilterMethod.TEXT_FILTER_METHOD_CONTAINS_IGNORE_CASE;
const IDS = { ids: ["336494809936035843", "336494809936035844"] };

interface WireCase {
  name: string;
  schema: DescMessage;
  fns: TheirFns<unknown>;
  value: unknown;
}
const wire = <T>(name: string, fns: TheirFns<T>, value: theirService.DeepPartial<T>): WireCase => ({
  name,
  schema: (ourService as Module)[`${name}Schema`] as DescMessage,
  fns: fns as TheirFns<unknown>,
  value: fns.fromPartial(value),
});
const ids = { projectId: "336494809936035843", grantedOrganizationId: "336392597046099972" };

const CASES: WireCase[] = [
  wire("CreateProjectRequest", theirService.CreateProjectRequest, {
    organizationId: "336392597046099971",
    projectId: "336494809936035843",
    name: "Portal",
    projectRoleAssertion: true,
    authorizationRequired: true,
    projectAccessRequired: true,
    privateLabelingSetting: theirQuery.PrivateLabelingSetting.PRIVATE_LABELING_SETTING_ENFORCE_PROJECT_RESOURCE_OWNER_POLICY,
  }),
  wire("CreateProjectResponse", theirService.CreateProjectResponse, { projectId: "336494809936035843", creationDate: CREATED }),
  wire("UpdateProjectRequest", theirService.UpdateProjectRequest, {
    projectId: "336494809936035843",
    name: "Portal 2",
    projectRoleAssertion: true,
    authorizationRequired: true,
    projectAccessRequired: true,
    privateLabelingSetting: theirQuery.PrivateLabelingSetting.PRIVATE_LABELING_SETTING_ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY,
  }),
  wire("UpdateProjectResponse", theirService.UpdateProjectResponse, { changeDate: CHANGED }),
  wire("DeleteProjectRequest", theirService.DeleteProjectRequest, { projectId: "336494809936035843" }),
  wire("DeleteProjectResponse", theirService.DeleteProjectResponse, { deletionDate: CHANGED }),
  wire("GetProjectRequest", theirService.GetProjectRequest, { projectId: "336494809936035843" }),
  wire("GetProjectResponse", theirService.GetProjectResponse, { project: PROJECT }),
  wire("ListProjectsRequest", theirService.ListProjectsRequest, {
    pagination: PAGE_REQUEST,
    sortingColumn: theirQuery.ProjectFieldName.PROJECT_FIELD_NAME_NAME,
    filters: [
      { projectNameFilter: { projectName: "Port", method: CONTAINS } },
      { inProjectIdsFilter: IDS },
      {
        organizationIdFilter: {
          organizationId: "336392597046099971",
          type: theirQuery.ProjectOrganizationIDFilter_Type.OWNED_OR_GRANTED,
        },
      },
    ],
  }),
  wire("ListProjectsResponse", theirService.ListProjectsResponse, {
    pagination: PAGE_RESPONSE,
    projects: [PROJECT, { ...PROJECT, projectId: "336494809936035844", name: "Shop" }],
  }),
  wire("DeactivateProjectRequest", theirService.DeactivateProjectRequest, { projectId: "336494809936035843" }),
  wire("DeactivateProjectResponse", theirService.DeactivateProjectResponse, { changeDate: CHANGED }),
  wire("ActivateProjectRequest", theirService.ActivateProjectRequest, { projectId: "336494809936035843" }),
  wire("ActivateProjectResponse", theirService.ActivateProjectResponse, { changeDate: CHANGED }),
  wire("AddProjectRoleRequest", theirService.AddProjectRoleRequest, {
    projectId: "336494809936035843",
    roleKey: "admin",
    displayName: "Administrator",
    group: "staff",
  }),
  wire("AddProjectRoleResponse", theirService.AddProjectRoleResponse, { creationDate: CREATED }),
  wire("UpdateProjectRoleRequest", theirService.UpdateProjectRoleRequest, {
    projectId: "336494809936035843",
    roleKey: "admin",
    displayName: "Admin",
    group: "staff",
  }),
  wire("UpdateProjectRoleResponse", theirService.UpdateProjectRoleResponse, { changeDate: CHANGED }),
  wire("RemoveProjectRoleRequest", theirService.RemoveProjectRoleRequest, { projectId: "336494809936035843", roleKey: "admin" }),
  wire("RemoveProjectRoleResponse", theirService.RemoveProjectRoleResponse, { removalDate: CHANGED }),
  wire("ListProjectRolesRequest", theirService.ListProjectRolesRequest, {
    projectId: "336494809936035843",
    pagination: PAGE_REQUEST,
    sortingColumn: theirQuery.ProjectRoleFieldName.PROJECT_ROLE_FIELD_NAME_CHANGE_DATE,
    filters: [
      { roleKeyFilter: { key: "adm", method: theirFilter.TextFilterMethod.TEXT_FILTER_METHOD_STARTS_WITH } },
      { displayNameFilter: { displayName: "Admin", method: theirFilter.TextFilterMethod.TEXT_FILTER_METHOD_ENDS_WITH_IGNORE_CASE } },
    ],
  }),
  wire("ListProjectRolesResponse", theirService.ListProjectRolesResponse, {
    pagination: PAGE_RESPONSE,
    projectRoles: [ROLE, { ...ROLE, key: "reader", displayName: "Reader" }],
  }),
  wire("CreateProjectGrantRequest", theirService.CreateProjectGrantRequest, { ...ids, roleKeys: ["admin", "reader"] }),
  wire("CreateProjectGrantResponse", theirService.CreateProjectGrantResponse, { creationDate: CREATED }),
  wire("UpdateProjectGrantRequest", theirService.UpdateProjectGrantRequest, { ...ids, roleKeys: ["reader"] }),
  wire("UpdateProjectGrantResponse", theirService.UpdateProjectGrantResponse, { changeDate: CHANGED }),
  wire("DeleteProjectGrantRequest", theirService.DeleteProjectGrantRequest, ids),
  wire("DeleteProjectGrantResponse", theirService.DeleteProjectGrantResponse, { deletionDate: CHANGED }),
  wire("DeactivateProjectGrantRequest", theirService.DeactivateProjectGrantRequest, ids),
  wire("DeactivateProjectGrantResponse", theirService.DeactivateProjectGrantResponse, { changeDate: CHANGED }),
  wire("ActivateProjectGrantRequest", theirService.ActivateProjectGrantRequest, ids),
  wire("ActivateProjectGrantResponse", theirService.ActivateProjectGrantResponse, { changeDate: CHANGED }),
  wire("ListProjectGrantsRequest", theirService.ListProjectGrantsRequest, {
    pagination: PAGE_REQUEST,
    sortingColumn: theirQuery.ProjectGrantFieldName.PROJECT_GRANT_FIELD_NAME_CREATION_DATE,
    filters: [
      { projectNameFilter: { projectName: "Portal", method: theirFilter.TextFilterMethod.TEXT_FILTER_METHOD_EQUALS_IGNORE_CASE } },
      { roleKeyFilter: { key: "admin", method: CONTAINS } },
      { inProjectIdsFilter: IDS },
      { organizationIdFilter: { id: "336392597046099971" } },
      { grantedOrganizationIdFilter: { id: "336392597046099972" } },
    ],
  }),
  wire("ListProjectGrantsResponse", theirService.ListProjectGrantsResponse, {
    pagination: PAGE_RESPONSE,
    projectGrants: [GRANT, { ...GRANT, grantedOrganizationId: "336392597046099973", grantedRoleKeys: [] }],
  }),
];

// Both sides' messages as plain values in ts-proto's shape: uint64 as decimal strings, timestamps
// as ISO strings, absent fields left out, oneof members as plain fields.
function plainTheirs(value: unknown): unknown {
  if (value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plainTheirs);
  if (typeof value === "object" && value !== null) {
    if ("low" in value && "high" in value && "unsigned" in value) return String(value); // Long
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      const plain = plainTheirs(field);
      if (plain !== undefined) out[key] = plain;
    }
    return out;
  }
  return value;
}

function plainOurs(schema: DescMessage, message: Record<string, unknown>): Record<string, unknown> {
  // A field number or type that differs leaves the value among the unknown fields.
  expect(message.$unknown ?? [], `unknown fields in ${schema.typeName}`).toEqual([]);
  const out: Record<string, unknown> = {};
  for (const field of schema.fields) {
    let value: unknown;
    if (field.oneof) {
      const selected = message[field.oneof.localName] as { case?: string; value?: unknown };
      value = selected.case === field.localName ? selected.value : undefined;
    } else {
      value = message[field.localName];
    }
    if (value === undefined) continue;
    out[field.localName] =
      field.fieldKind === "list" ? (value as unknown[]).map((item) => plainValue(field, item)) : plainValue(field, value);
  }
  return out;
}

function plainValue(field: DescField, value: unknown): unknown {
  const message = field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message") ? field.message : undefined;
  if (message?.typeName === "google.protobuf.Timestamp") return timestampDate(value as Timestamp).toISOString();
  if (message) return plainOurs(message, value as Record<string, unknown>);
  if (typeof value === "bigint") return String(value);
  return value;
}

describe("ProjectService requests and responses on the wire", () => {
  it("has a case for every request and response of the service", () => {
    const messages = ourService.ProjectService.methods.flatMap((m) => [m.input.name, m.output.name]);
    expect(CASES.map((c) => c.name).sort()).toEqual([...new Set(messages)].sort());
    expect(messages).toHaveLength(34);
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s: @zitadel/node's bytes and JSON read the same with ours", (_, c) => {
    expect(c.schema, c.name).toBeDefined();
    const bytes = c.fns.encode(c.value).finish();
    const decoded = fromBinary(c.schema, bytes);
    expect(plainOurs(c.schema, decoded as unknown as Record<string, unknown>)).toEqual(plainTheirs(c.value));
    expect(toJson(c.schema, decoded)).toEqual(c.fns.toJSON(c.value));
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s: our bytes read the same with @zitadel/node's", (_, c) => {
    // Built from JSON, which fails on a field name we lack, then encoded by ours alone.
    const ours = fromJson(c.schema, c.fns.toJSON(c.value) as JsonValue);
    const decoded = c.fns.decode(toBinary(c.schema, ours));
    expect(plainTheirs(decoded)).toEqual(plainTheirs(c.value));
  });
});
