// The aud-scope rule: a project enters a token only when the subject passes its checks.
import { describe, expect, it } from "vitest";
import { audienceProjectsToCheck, narrowAudienceScopes } from "../../src/access/audience.js";
import { DENY_MESSAGES, type AccessDecision } from "../../src/access/decide.js";

const aud = (id: string) => `urn:zitadel:iam:org:project:id:${id}:aud`;
const allow: AccessDecision = { allowed: true };
const deny = (reason: "authorization_required" | "project_access_required" | "project_unavailable"): AccessDecision => ({
  allowed: false,
  reason,
  message: DENY_MESSAGES[reason],
});

describe("narrowAudienceScopes", () => {
  const CLIENT = "100";
  const cases: [string, string[], [string, AccessDecision][], string[], string[]][] = [
    ["no aud scopes", ["openid", "profile"], [], ["openid", "profile"], []],
    ["a passing project", ["openid", aud("200")], [["200", allow]], ["openid", aud("200")], []],
    ["no role on the project", ["openid", aud("200")], [["200", deny("authorization_required")]], ["openid"], [aud("200")]],
    ["no access for the organization", ["openid", aud("200")], [["200", deny("project_access_required")]], ["openid"], [aud("200")]],
    ["an inactive project", ["openid", aud("200")], [["200", deny("project_unavailable")]], ["openid"], [aud("200")]],
    ["an unknown project (no decision)", ["openid", aud("999")], [], ["openid"], [aud("999")]],
    [
      "one passes, one fails: keeps the rest",
      ["openid", aud("200"), "email", aud("300")],
      [
        ["200", deny("authorization_required")],
        ["300", allow],
      ],
      ["openid", "email", aud("300")],
      [aud("200")],
    ],
    [
      "the client's own project is not narrowed here",
      ["openid", aud(CLIENT)],
      [[CLIENT, deny("authorization_required")]],
      ["openid", aud(CLIENT)],
      [],
    ],
    [
      "role scopes are not project aud scopes",
      ["urn:zitadel:iam:org:projects:roles", "urn:zitadel:iam:org:project:role:admin"],
      [],
      ["urn:zitadel:iam:org:projects:roles", "urn:zitadel:iam:org:project:role:admin"],
      [],
    ],
  ];
  it.each(cases)("%s", (_name, scopes, decisions, granted, denied) => {
    expect(narrowAudienceScopes(scopes, CLIENT, new Map(decisions), false)).toEqual({ granted, denied });
  });

  const MANAGEMENT = "urn:zitadel:iam:org:project:id:zitadel:aud";
  it.each([
    [true, ["openid", MANAGEMENT], []],
    [false, ["openid"], [MANAGEMENT]],
  ] as const)("grants the management audience only with the user's consent (consented: %s)", (consent, granted, denied) => {
    expect(narrowAudienceScopes(["openid", MANAGEMENT], CLIENT, new Map(), consent)).toEqual({ granted, denied });
  });

  it("decides the management audience and project audiences independently", () => {
    const scopes = ["openid", MANAGEMENT, aud("200")];
    expect(narrowAudienceScopes(scopes, CLIENT, new Map([["200", allow]]), false)).toEqual({
      granted: ["openid", aud("200")],
      denied: [MANAGEMENT],
    });
    expect(narrowAudienceScopes(scopes, CLIENT, new Map([["200", deny("authorization_required")]]), true)).toEqual({
      granted: ["openid", MANAGEMENT],
      denied: [aud("200")],
    });
  });
});

describe("audienceProjectsToCheck", () => {
  it("names every aud-scope project but the client's, once", () => {
    expect(audienceProjectsToCheck(["openid", aud("200"), aud("100"), aud("200"), aud("300")], "100")).toEqual(["200", "300"]);
    expect(audienceProjectsToCheck(["openid"], "100")).toEqual([]);
  });
});
