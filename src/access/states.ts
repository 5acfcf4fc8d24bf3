// The states and administrator roles of the directory's rows, as the rules of this folder read
// them. The names are the database enums' (prisma/schema.prisma); test/access/states.test.ts
// fails when the two drift apart, so the rules never import the generated client.
export type UserState = "ACTIVE" | "INACTIVE" | "LOCKED" | "INITIAL";
export type OrgState = "ACTIVE" | "INACTIVE";
/** Projects, project grants, authorizations and applications. */
export type ActiveState = "ACTIVE" | "INACTIVE";
export type UserType = "HUMAN" | "MACHINE";
export type AdminRole = "IAM_OWNER" | "ORG_OWNER" | "ORG_USER_MANAGER" | "PROJECT_OWNER" | "PROJECT_GRANT_OWNER";
export type AdminResource = "INSTANCE" | "ORGANIZATION" | "PROJECT" | "PROJECT_GRANT";
