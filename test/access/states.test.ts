// The rules' own state types must name exactly the database enums' values: a value added to an
// enum in prisma/schema.prisma without the rules knowing it fails here (and in the typecheck).
import { describe, expect, it } from "vitest";
import type * as rules from "../../src/access/states.js";
import { $Enums } from "../../src/generated/prisma/client.js";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <A, B>(_proof: Same<A, B>) => _proof;

describe("access/states.ts", () => {
  it("names every value of the directory's enums, and no other", () => {
    const pairs: [string, readonly string[], readonly string[]][] = [
      ["UserState", Object.values($Enums.UserState), ["ACTIVE", "INACTIVE", "LOCKED", "INITIAL"] satisfies rules.UserState[]],
      ["OrgState", Object.values($Enums.OrgState), ["ACTIVE", "INACTIVE"] satisfies rules.OrgState[]],
      ["ActiveState", Object.values($Enums.ActiveState), ["ACTIVE", "INACTIVE"] satisfies rules.ActiveState[]],
      ["UserType", Object.values($Enums.UserType), ["HUMAN", "MACHINE"] satisfies rules.UserType[]],
      [
        "AdminRole",
        Object.values($Enums.AdminRole),
        ["IAM_OWNER", "ORG_OWNER", "ORG_USER_MANAGER", "PROJECT_OWNER", "PROJECT_GRANT_OWNER"] satisfies rules.AdminRole[],
      ],
      [
        "AdminResource",
        Object.values($Enums.AdminResource),
        ["INSTANCE", "ORGANIZATION", "PROJECT", "PROJECT_GRANT"] satisfies rules.AdminResource[],
      ],
    ];
    for (const [name, database, own] of pairs) expect([...database].sort(), name).toEqual([...own].sort());
    // The same at the type level: the typecheck fails before the test runs.
    expect([
      same<rules.UserState, $Enums.UserState>(true),
      same<rules.OrgState, $Enums.OrgState>(true),
      same<rules.ActiveState, $Enums.ActiveState>(true),
      same<rules.UserType, $Enums.UserType>(true),
      same<rules.AdminRole, $Enums.AdminRole>(true),
      same<rules.AdminResource, $Enums.AdminResource>(true),
    ]).toEqual([true, true, true, true, true, true]);
  });
});
