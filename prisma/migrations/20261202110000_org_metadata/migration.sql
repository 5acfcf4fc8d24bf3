-- Organization metadata: key/value pairs of an organization, removed with it.

-- CreateTable
CREATE TABLE "OrgMetadata" (
    "orgId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "OrgMetadata_orgId_key_key" ON "OrgMetadata"("orgId", "key");

-- AddForeignKey
ALTER TABLE "OrgMetadata" ADD CONSTRAINT "OrgMetadata_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

