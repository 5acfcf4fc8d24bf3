// Our own zitadel.*.v2 definitions (proto/, generated into src/generated/proto) against the code
// @zitadel/node 3.0.28 generated from ZITADEL's protos: the same messages, fields, presence, enums
// and services; every message of every file, filled automatically, crosses the wire both ways; and
// every request and response of ProjectService, fully populated, does so unchanged (binary and JSON).
import {
  type DescEnum,
  type DescField,
  type DescFile,
  type DescMessage,
  fromBinary,
  fromJson,
  type JsonValue,
  ScalarType,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import { nestedTypes } from "@bufbuild/protobuf/reflect";
import { FeatureSet_FieldPresence, type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import * as theirAuthorization from "@zitadel/node/dist/api/generated/zitadel/authorization/v2/authorization.js";
import * as theirAuthorizationService from "@zitadel/node/dist/api/generated/zitadel/authorization/v2/authorization_service.js";
import * as theirFilter from "@zitadel/node/dist/api/generated/zitadel/filter/v2/filter.js";
import * as theirPermissionService from "@zitadel/node/dist/api/generated/zitadel/internal_permission/v2/internal_permission_service.js";
import * as theirPermissionQuery from "@zitadel/node/dist/api/generated/zitadel/internal_permission/v2/query.js";
import * as theirService from "@zitadel/node/dist/api/generated/zitadel/project/v2/project_service.js";
import * as theirQuery from "@zitadel/node/dist/api/generated/zitadel/project/v2/query.js";
import Long from "long";
import { describe, expect, it } from "vitest";
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
];

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
      expect(schema.fields.map((f) => f.localName).sort(), name).toEqual(Object.keys(empty).sort());
      for (const field of schema.fields) {
        const theirDefault = empty[field.localName];
        const where = `${name}.${field.name}`;
        expect(field.fieldKind === "list", where).toBe(Array.isArray(theirDefault));
        if (field.fieldKind === "scalar" || field.fieldKind === "enum") {
          expect(field.presence !== FeatureSet_FieldPresence.IMPLICIT, where).toBe(theirDefault === undefined);
        }
      }
    }
  });

  it("carries every message, each oneof member in turn, both ways with the same field numbers", () => {
    for (const [name, fns] of theirMessages) {
      const schema = ours[`${name}Schema`] as DescMessage;
      for (let variant = 0; variant < variantsOf(schema); variant++) {
        const json = sampleJson(schema, variant, 0);
        const where = `${name} #${variant}`;
        // Our bytes read by theirs, and their bytes of that by ours: a field number or type that
        // differs changes the JSON. (Their fromJSON would read uint64 as signed: not used.)
        const their = fns as TheirFns<unknown>;
        const decoded = their.decode(toBinary(schema, fromJson(schema, json)));
        expect(their.toJSON(decoded), where).toEqual(json);
        expect(toJson(schema, fromBinary(schema, their.encode(decoded).finish())), where).toEqual(json);
      }
    }
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

// A message as JSON with every field set to a value other than its default (oneofs: member
// `variant` of each); nesting stops at a depth of three (recursive filters).
function sampleJson(schema: DescMessage, variant: number, depth: number): Record<string, JsonValue> {
  const json: Record<string, JsonValue> = {};
  for (const field of schema.fields) {
    const oneof = field.oneof;
    if (oneof && oneof.fields[variant % oneof.fields.length] !== field) continue;
    if (field.fieldKind === "map") throw new Error(`${field.name}: maps are not sampled`);
    const one = (): JsonValue | undefined => {
      if (field.fieldKind === "enum" || (field.fieldKind === "list" && field.listKind === "enum")) {
        return field.enum.values[field.enum.values.length - 1]?.name ?? null;
      }
      if (field.fieldKind === "message" || (field.fieldKind === "list" && field.listKind === "message")) {
        if (field.message.typeName === "google.protobuf.Timestamp") return "2024-12-18T07:50:47.492Z";
        return depth < 3 ? sampleJson(field.message, variant, depth + 1) : undefined;
      }
      return sampleScalar(field.scalar, field.name);
    };
    const value = one();
    if (value === undefined) continue;
    json[field.jsonName] = field.fieldKind === "list" ? [value, value] : value;
  }
  return json;
}

function sampleScalar(scalar: ScalarType | undefined, name: string): JsonValue {
  switch (scalar) {
    case ScalarType.STRING:
      return `${name}-value`;
    case ScalarType.BOOL:
      return true;
    case ScalarType.UINT64:
      return "18446744073709551615";
    case ScalarType.INT64:
      return "-9223372036854775808";
    case ScalarType.UINT32:
      return 4294967295;
    case ScalarType.INT32:
      return -2147483648;
    default:
      throw new Error(`${name}: scalar type ${scalar} is not sampled`);
  }
}

/** How many samples a message needs so that each member of each of its oneofs is set once. */
const variantsOf = (schema: DescMessage) => Math.max(1, ...schema.oneofs.map((o) => o.fields.length));

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

const METHOD_COUNTS: Record<string, number> = {
  "zitadel.project.v2.ProjectService": 17,
  "zitadel.authorization.v2.AuthorizationService": 6,
  "zitadel.internal_permission.v2.InternalPermissionService": 4,
};

// Each service of each file beside @zitadel/node's service definition of the same name.
const SERVICES = FILES.flatMap(({ file, theirs }) => file.services.map((service) => ({ name: service.typeName, service, theirs })));

describe.each(SERVICES)("$name", ({ service, theirs }) => {
  it("has @zitadel/node's name, methods, request and response types", () => {
    const definition = theirs[`${service.name}Definition`] as typeof theirService.ProjectServiceDefinition;
    expect(service.typeName).toBe(definition.fullName);
    const typeName = (fns: unknown) => `${theirs.protobufPackage}.${Object.entries(theirs).find(([, value]) => value === fns)?.[0]}`;
    const theirMethods = Object.values(definition.methods).map((m) => ({
      name: m.name,
      input: typeName(m.requestType),
      output: typeName(m.responseType),
      streaming: [m.requestStream, m.responseStream],
    }));
    const ours = service.methods.map((m) => ({
      name: m.name,
      input: m.input.typeName,
      output: m.output.typeName,
      streaming: [
        m.methodKind === "client_streaming" || m.methodKind === "bidi_streaming",
        m.methodKind === "server_streaming" || m.methodKind === "bidi_streaming",
      ],
    }));
    expect(ours).toEqual(theirMethods);
    expect(ours).toHaveLength(METHOD_COUNTS[service.typeName] ?? -1);
  });
});
