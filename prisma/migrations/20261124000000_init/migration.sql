-- CreateEnum
CREATE TYPE "OrgState" AS ENUM ('ACTIVE', 'INACTIVE');

-- CreateEnum
CREATE TYPE "UserType" AS ENUM ('HUMAN', 'MACHINE');

-- CreateEnum
CREATE TYPE "UserState" AS ENUM ('ACTIVE', 'INACTIVE', 'LOCKED', 'INITIAL');

-- CreateEnum
CREATE TYPE "ActiveState" AS ENUM ('ACTIVE', 'INACTIVE');

-- CreateEnum
CREATE TYPE "AccessTokenType" AS ENUM ('BEARER', 'JWT');

-- CreateEnum
CREATE TYPE "PrivateLabelingSetting" AS ENUM ('UNSPECIFIED', 'ENFORCE_PROJECT_RESOURCE_OWNER_POLICY', 'ALLOW_LOGIN_USER_RESOURCE_OWNER_POLICY');

-- CreateEnum
CREATE TYPE "AppKind" AS ENUM ('OIDC', 'API');

-- CreateEnum
CREATE TYPE "OidcAppType" AS ENUM ('WEB', 'USER_AGENT', 'NATIVE');

-- CreateEnum
CREATE TYPE "AuthMethod" AS ENUM ('BASIC', 'POST', 'NONE', 'PRIVATE_KEY_JWT');

-- CreateEnum
CREATE TYPE "AdminRole" AS ENUM ('IAM_OWNER', 'ORG_OWNER', 'ORG_USER_MANAGER', 'PROJECT_OWNER', 'PROJECT_GRANT_OWNER');

-- CreateEnum
CREATE TYPE "AdminResource" AS ENUM ('INSTANCE', 'ORGANIZATION', 'PROJECT', 'PROJECT_GRANT');

-- CreateTable
CREATE TABLE "Organization" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "primaryDomain" TEXT NOT NULL,
    "state" "OrgState" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "type" "UserType" NOT NULL,
    "username" TEXT NOT NULL,
    "loginKey" TEXT NOT NULL,
    "state" "UserState" NOT NULL DEFAULT 'ACTIVE',
    "email" TEXT,
    "emailVerified" BOOLEAN NOT NULL DEFAULT false,
    "givenName" TEXT,
    "familyName" TEXT,
    "displayName" TEXT,
    "nickName" TEXT,
    "preferredLanguage" TEXT,
    "passwordHash" TEXT,
    "passwordChangeRequired" BOOLEAN NOT NULL DEFAULT false,
    "name" TEXT,
    "description" TEXT,
    "accessTokenType" "AccessTokenType" NOT NULL DEFAULT 'BEARER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserMetadata" (
    "userId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" BYTEA NOT NULL,

    CONSTRAINT "UserMetadata_pkey" PRIMARY KEY ("userId","key")
);

-- CreateTable
CREATE TABLE "MachineSecret" (
    "userId" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MachineSecret_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "PersonalAccessToken" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expirationDate" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PersonalAccessToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserKey" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "publicKeyPem" TEXT NOT NULL,
    "expirationDate" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UserKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Project" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "state" "ActiveState" NOT NULL DEFAULT 'ACTIVE',
    "projectRoleAssertion" BOOLEAN NOT NULL DEFAULT false,
    "authorizationRequired" BOOLEAN NOT NULL DEFAULT false,
    "projectAccessRequired" BOOLEAN NOT NULL DEFAULT false,
    "privateLabelingSetting" "PrivateLabelingSetting" NOT NULL DEFAULT 'UNSPECIFIED',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Project_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProjectRole" (
    "projectId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "group" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProjectRole_pkey" PRIMARY KEY ("projectId","key")
);

-- CreateTable
CREATE TABLE "ProjectGrant" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "grantedOrgId" TEXT NOT NULL,
    "roleKeys" TEXT[],
    "state" "ActiveState" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ProjectGrant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Authorization" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "projectGrantId" TEXT,
    "roleKeys" TEXT[],
    "state" "ActiveState" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Authorization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Application" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AppKind" NOT NULL,
    "clientId" TEXT NOT NULL,
    "clientSecretHash" TEXT,
    "state" "ActiveState" NOT NULL DEFAULT 'ACTIVE',
    "authMethod" "AuthMethod" NOT NULL,
    "appType" "OidcAppType",
    "redirectUris" TEXT[],
    "postLogoutRedirectUris" TEXT[],
    "responseTypes" TEXT[],
    "grantTypes" TEXT[],
    "accessTokenType" "AccessTokenType" NOT NULL DEFAULT 'BEARER',
    "accessTokenRoleAssertion" BOOLEAN NOT NULL DEFAULT false,
    "idTokenRoleAssertion" BOOLEAN NOT NULL DEFAULT false,
    "idTokenUserinfoAssertion" BOOLEAN NOT NULL DEFAULT false,
    "devMode" BOOLEAN NOT NULL DEFAULT false,
    "clockSkewMs" INTEGER NOT NULL DEFAULT 0,
    "additionalOrigins" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Application_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApplicationKey" (
    "id" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "publicKeyPem" TEXT NOT NULL,
    "expirationDate" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApplicationKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Administrator" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "resource" "AdminResource" NOT NULL,
    "resourceId" TEXT NOT NULL,
    "roles" "AdminRole"[],
    "orgId" TEXT,
    "projectId" TEXT,
    "projectGrantId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Administrator_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Branding" (
    "orgId" TEXT NOT NULL,
    "displayName" TEXT,
    "primaryColor" TEXT,
    "backgroundColor" TEXT,
    "fontColor" TEXT,
    "warnColor" TEXT,
    "logoUrl" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Branding_pkey" PRIMARY KEY ("orgId")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Organization_primaryDomain_key" ON "Organization"("primaryDomain");

-- CreateIndex
CREATE UNIQUE INDEX "User_loginKey_key" ON "User"("loginKey");

-- CreateIndex
CREATE INDEX "User_orgId_idx" ON "User"("orgId");

-- CreateIndex
CREATE UNIQUE INDEX "PersonalAccessToken_tokenHash_key" ON "PersonalAccessToken"("tokenHash");

-- CreateIndex
CREATE INDEX "PersonalAccessToken_userId_idx" ON "PersonalAccessToken"("userId");

-- CreateIndex
CREATE INDEX "UserKey_userId_idx" ON "UserKey"("userId");

-- CreateIndex
CREATE INDEX "Project_orgId_idx" ON "Project"("orgId");

-- CreateIndex
CREATE INDEX "ProjectGrant_grantedOrgId_idx" ON "ProjectGrant"("grantedOrgId");

-- CreateIndex
CREATE UNIQUE INDEX "ProjectGrant_projectId_grantedOrgId_key" ON "ProjectGrant"("projectId", "grantedOrgId");

-- CreateIndex
CREATE INDEX "Authorization_userId_projectId_idx" ON "Authorization"("userId", "projectId");

-- CreateIndex
CREATE INDEX "Authorization_projectId_idx" ON "Authorization"("projectId");

-- CreateIndex
CREATE INDEX "Authorization_projectGrantId_idx" ON "Authorization"("projectGrantId");

-- CreateIndex
CREATE UNIQUE INDEX "Authorization_orgId_userId_projectId_key" ON "Authorization"("orgId", "userId", "projectId");

-- CreateIndex
CREATE UNIQUE INDEX "Application_clientId_key" ON "Application"("clientId");

-- CreateIndex
CREATE INDEX "Application_projectId_idx" ON "Application"("projectId");

-- CreateIndex
CREATE INDEX "ApplicationKey_appId_idx" ON "ApplicationKey"("appId");

-- CreateIndex
CREATE INDEX "Administrator_resource_resourceId_idx" ON "Administrator"("resource", "resourceId");

-- CreateIndex
CREATE UNIQUE INDEX "Administrator_userId_resource_resourceId_key" ON "Administrator"("userId", "resource", "resourceId");

-- CreateIndex
CREATE INDEX "AuditEntry_targetType_targetId_idx" ON "AuditEntry"("targetType", "targetId");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserMetadata" ADD CONSTRAINT "UserMetadata_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MachineSecret" ADD CONSTRAINT "MachineSecret_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PersonalAccessToken" ADD CONSTRAINT "PersonalAccessToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UserKey" ADD CONSTRAINT "UserKey_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Project" ADD CONSTRAINT "Project_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProjectRole" ADD CONSTRAINT "ProjectRole_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProjectGrant" ADD CONSTRAINT "ProjectGrant_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProjectGrant" ADD CONSTRAINT "ProjectGrant_grantedOrgId_fkey" FOREIGN KEY ("grantedOrgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Authorization" ADD CONSTRAINT "Authorization_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Authorization" ADD CONSTRAINT "Authorization_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Authorization" ADD CONSTRAINT "Authorization_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Authorization" ADD CONSTRAINT "Authorization_projectGrantId_fkey" FOREIGN KEY ("projectGrantId") REFERENCES "ProjectGrant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Application" ADD CONSTRAINT "Application_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApplicationKey" ADD CONSTRAINT "ApplicationKey_appId_fkey" FOREIGN KEY ("appId") REFERENCES "Application"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Administrator" ADD CONSTRAINT "Administrator_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Administrator" ADD CONSTRAINT "Administrator_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Administrator" ADD CONSTRAINT "Administrator_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Administrator" ADD CONSTRAINT "Administrator_projectGrantId_fkey" FOREIGN KEY ("projectGrantId") REFERENCES "ProjectGrant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Branding" ADD CONSTRAINT "Branding_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- The audit log is append-only: refuse every UPDATE and DELETE.
CREATE FUNCTION "audit_entry_append_only"() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'AuditEntry is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "AuditEntry_append_only" BEFORE UPDATE OR DELETE ON "AuditEntry"
  FOR EACH ROW EXECUTE FUNCTION "audit_entry_append_only"();
