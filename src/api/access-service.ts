// rolegate.access.v1.AccessService: the access explainer (docs/rules.md#r-check-16). It answers
// "can this user sign in to this app, and why (not)?" with the sign-in policy's own code: the
// facts loaded as every sign-in loads them (src/directory/policy-facts.ts), decided by
// decideSignIn and described by explainSignIn, the claims by claimsFor. It decides nothing itself.
import type { JsonObject, MessageInitShape } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { grantsAccess } from "../access/decide.js";
import { canManageProject } from "../access/permissions.js";
import { claimsFor, type Destination, explainSignIn, type ExplainedCheck } from "../access/policy.js";
import { decideUserOperation } from "../access/user-administration.js";
import * as apps from "../directory/applications.js";
import { appClientFacts } from "../directory/client-records.js";
import { DomainError, invalidArgument, notFound } from "../directory/errors.js";
import { directFactSources, loadFacts } from "../directory/policy-facts.js";
import * as users from "../directory/users.js";
import { requireId, requireText } from "../directory/validate.js";
import {
  type AccessService,
  CheckOutcome,
  type CheckSchema,
  Decision,
  type ExplainAccessRequest,
  type ExplainAccessResponseSchema,
} from "../generated/proto/rolegate/access/v1/access_service_pb.js";
import { callOf, type ApiDeps, type Call } from "./context.js";
import { impactPreview } from "./impact-preview.js";

/** The scopes an app asks for when the request names none. */
export const DEFAULT_SCOPES = ["openid", "profile", "email"];
/** The interactive login (the login page): the path whose checks are explained. */
const PATH = "login";
const DESTINATIONS: Destination[] = ["id_token", "access_token", "userinfo"];

type Response = MessageInitShape<typeof ExplainAccessResponseSchema>;

const OUTCOMES = { passed: CheckOutcome.PASSED, failed: CheckOutcome.FAILED, skipped: CheckOutcome.SKIPPED } as const;

export function accessService(deps: ApiDeps): Partial<ServiceImpl<typeof AccessService>> {
  const sources = directFactSources(deps.prisma);

  /** A user the caller may read (docs/rules.md#r-admin-4); anyone else's, like a missing one, is not found. */
  async function readableUser(c: Call, id: string): Promise<users.User> {
    const user = await users.getUser(c.dir, id).catch((error: unknown) => {
      if (error instanceof DomainError && error.code === "not_found") return null;
      throw error;
    });
    const readable = user && decideUserOperation(c.principal, { userId: user.id, orgId: user.orgId, roles: [] }, "read").allowed;
    if (!user || !readable) throw notFound("user", id);
    return user;
  }

  /** The app the request names (checked before anything is read: a malformed request learns nothing). */
  function appOf(request: ExplainAccessRequest["app"]): { by: "clientId" | "applicationId"; id: string } {
    if (request.case === "clientId") return { by: "clientId", id: requireText("clientId", request.value) };
    if (request.case === "applicationId") return { by: "applicationId", id: requireId("applicationId", request.value) };
    throw invalidArgument("clientId", "the app is required: clientId or applicationId");
  }

  /** An app whose project the caller administers; another tenant's, like a missing one, is not found. */
  async function readableApp(c: Call, ref: ReturnType<typeof appOf>): Promise<apps.ApplicationWithOwner> {
    const app =
      ref.by === "clientId" ? await apps.findApplicationByClientId(c.dir, ref.id) : await apps.findApplicationWithOwner(c.dir, ref.id);
    if (!app || !canManageProject(c.principal, app.project)) throw notFound("application", ref.id);
    return app;
  }

  return {
    previewImpact: impactPreview(deps),
    async explainAccess(req: ExplainAccessRequest, ctx: HandlerContext): Promise<Response> {
      const c = callOf(deps, ctx);
      const userId = requireId("userId", req.userId);
      const ref = appOf(req.app);
      const scopes = req.scopes.length > 0 ? req.scopes.map((s) => requireText("scopes", s)) : DEFAULT_SCOPES;
      const user = await readableUser(c, userId);
      const app = await readableApp(c, ref);

      const client = appClientFacts(app);
      const facts = await loadFacts(sources, { path: PATH, client, subjectId: user.id, scopes, claims: DESTINATIONS });
      const explanation = explainSignIn(PATH, facts, {
        id: app.id,
        state: app.state,
        projectId: app.projectId,
        projectState: app.project.state,
        orgId: app.project.orgId,
        orgState: app.project.org.state,
      });
      const authorizations = facts.project?.access?.snapshot.authorizations ?? [];
      const outcome = explanation.outcome;
      const response: Response = {
        decision: explanation.allowed ? Decision.ALLOWED : Decision.DENIED,
        reason: explanation.denial?.reason ?? "",
        message: explanation.denial?.message ?? "",
        checks: explanation.checks.map(toCheck),
        authorizations: authorizations.map((a) => ({
          organizationId: a.orgId,
          organizationDomain: a.orgPrimaryDomain,
          roleKeys: a.roleKeys,
          state: a.state,
          grantState: a.grantState ?? "",
          counts: grantsAccess(a),
        })),
        accessTokenType: client.accessTokenType,
        applicationId: app.id,
        clientId: app.clientId,
        projectId: app.projectId,
      };
      if (!explanation.allowed || !outcome) return response;
      // The tokens carry the granted scopes (failing aud scopes left out), as at a real sign-in.
      const granted = { ...facts, scopes: outcome.scopes.granted };
      const claims = (destination: Destination): JsonObject => json({ sub: user.id, ...claimsFor(destination, granted) });
      return {
        ...response,
        claims: {
          idToken: claims("id_token"),
          ...(client.accessTokenType === "JWT" ? { accessToken: claims("access_token") } : {}),
          userinfo: claims("userinfo"),
        },
        grantedScopes: outcome.scopes.granted,
        deniedScopes: outcome.scopes.denied,
        audience: outcome.audience,
      };
    },
  };
}

function toCheck(c: ExplainedCheck): MessageInitShape<typeof CheckSchema> {
  return { check: c.check, step: c.step ?? "", outcome: OUTCOMES[c.outcome], reason: c.reason ?? "", detail: c.detail };
}

/** The claims as JSON (what the token would carry). */
function json(value: Record<string, unknown>): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}
