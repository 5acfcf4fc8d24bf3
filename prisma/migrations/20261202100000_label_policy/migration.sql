-- Label policies: an active and a preview row per organization, logos and icons as stored assets.
-- A logo used to be an https URL on another site; the login pages now load only rolegate's own
-- assets, so stored URLs are dropped.

-- CreateEnum
CREATE TYPE "ThemeMode" AS ENUM ('UNSPECIFIED', 'AUTO', 'LIGHT', 'DARK');

-- AlterTable
ALTER TABLE "Branding" DROP CONSTRAINT "Branding_pkey",
DROP COLUMN "logoUrl",
ADD COLUMN "preview" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "primaryColorDark" TEXT,
ADD COLUMN "backgroundColorDark" TEXT,
ADD COLUMN "fontColorDark" TEXT,
ADD COLUMN "warnColorDark" TEXT,
ADD COLUMN "hideLoginNameSuffix" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "disableWatermark" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "themeMode" "ThemeMode" NOT NULL DEFAULT 'UNSPECIFIED',
ADD COLUMN "logoId" TEXT,
ADD COLUMN "iconId" TEXT,
ADD COLUMN "logoDarkId" TEXT,
ADD COLUMN "iconDarkId" TEXT,
ADD COLUMN "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD CONSTRAINT "Branding_pkey" PRIMARY KEY ("orgId", "preview");

-- CreateTable
CREATE TABLE "BrandingAsset" (
    "id" TEXT NOT NULL,
    "orgId" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "bytes" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BrandingAsset_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BrandingAsset_orgId_idx" ON "BrandingAsset"("orgId");

-- AddForeignKey
ALTER TABLE "BrandingAsset" ADD CONSTRAINT "BrandingAsset_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
