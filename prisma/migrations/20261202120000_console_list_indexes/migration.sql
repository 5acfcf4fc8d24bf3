-- Indexes for the console's lists at scale (bench case (console)): a page of users in username
-- order, and a page of authorizations in ListAuthorizations' default order (creation date), each
-- read from an index instead of sorting the whole table.

-- CreateIndex
CREATE INDEX "User_username_id_idx" ON "User"("username", "id");

-- CreateIndex
CREATE INDEX "Authorization_createdAt_id_idx" ON "Authorization"("createdAt", "id");
