-- CreateTable
CREATE TABLE "ManagementConsent" (
    "userId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ManagementConsent_pkey" PRIMARY KEY ("userId","clientId")
);

-- CreateIndex
CREATE INDEX "ManagementConsent_clientId_idx" ON "ManagementConsent"("clientId");

-- AddForeignKey
ALTER TABLE "ManagementConsent" ADD CONSTRAINT "ManagementConsent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ManagementConsent" ADD CONSTRAINT "ManagementConsent_clientId_fkey" FOREIGN KEY ("clientId") REFERENCES "Application"("clientId") ON DELETE CASCADE ON UPDATE CASCADE;

