// The audit trail (docs/rules.md#r-audit-2): the instance's, through admin.v1 ListEvents (instance
// administrators only), with filters; and one object's (organization, user, project, app), through
// zitadel.management.v1's change lists in the object's organization. Newest first, paged by the
// entries' sequence. v1's changes carry no payload: an instance administrator also sees what
// changed (ListEvents); the API leaves secrets out of both.
import { findOrganization } from "../lookups.js";
import type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Change } from "@zitadel/proto/zitadel/change_pb.js";
import type { Event } from "@zitadel/proto/zitadel/event_pb.js";
import type { ConsoleApi } from "../api.js";
import { type Html, html } from "../html.js";
import { CONSOLE } from "../layout.js";
import type { ConsoleContext, Screen } from "../screen.js";
import { errorBox, PAGE_SIZE } from "../ui.js";
import { findUserByLoginName, formatTime, inOrganization } from "./org-context.js";
import { refusal } from "./organizations.js";

const BASE = `${CONSOLE}/audit`;

/** One entry of a trail, whichever list it came from. */
interface Entry {
  sequence: bigint;
  at: Date | undefined;
  editorId: string;
  editor: string;
  editorLogin: string;
  type: string;
  resource?: { type: string; id: string } | undefined;
  payload?: JsonObject | undefined;
}

/** The target types of the audit log, as ListEvents' aggregate types name them. */
const RESOURCE_TYPES: Record<string, string> = {
  organization: "Organization",
  user: "User",
  project: "Project",
  projectGrant: "Project grant",
  application: "App",
  application_key: "App key",
  authorization: "Authorization",
  administrator: "Administrator",
};

/** A page of a trail: newest first (`?before=` the oldest shown, `?after=` the newest shown). */
interface Cursor {
  sequence: bigint;
  asc: boolean;
}

function readCursor(query: Record<string, string | string[] | undefined>): Cursor {
  const digits = (v: unknown) => (typeof v === "string" && /^[0-9]{1,19}$/.test(v) ? BigInt(v) : 0n);
  const after = digits(query.after);
  if (after > 0n) return { sequence: after, asc: true };
  return { sequence: digits(query.before), asc: false };
}

/** The entries of one page (one more was asked for, to know whether there are more). */
function pageOf<T extends { sequence: bigint }>(fetched: T[], cursor: Cursor) {
  const shown = fetched.slice(0, PAGE_SIZE);
  if (cursor.asc) shown.reverse();
  const more = fetched.length > PAGE_SIZE;
  return {
    shown,
    older: cursor.asc ? true : more,
    newer: cursor.asc ? more : cursor.sequence > 0n,
  };
}

export const audit: Screen = (router) => {
  router.get("/audit", (ctx) => instanceTrail(ctx));
  router.get("/audit/:kind/:id", (ctx) => objectTrail(ctx, ctx.params.kind, ctx.params.id));
};

const first = (v: string | string[] | undefined) => ((Array.isArray(v) ? v[0] : v) ?? "").trim().slice(0, 200);

async function instanceTrail(ctx: ConsoleContext) {
  const { api, page } = ctx.state.console;
  const filters = {
    type: first(ctx.query.type),
    editor: first(ctx.query.editor),
    resource: first(ctx.query.resource),
    kind: first(ctx.query.kind),
  };
  const cursor = readCursor(ctx.query);
  let editorUserId = "";
  let problem: { status: number; message: string } | undefined;
  if (filters.editor) {
    const user = await findUserByLoginName(api, filters.editor);
    // An editor that no longer exists is still in the log, by id.
    editorUserId = user?.userId ?? (/^[0-9]{1,20}$/.test(filters.editor) ? filters.editor : "");
    if (!editorUserId) problem = { status: 404, message: `There is no user with the login name ${filters.editor} that you may see.` };
  }
  let entries: Entry[] = [];
  let paging = { older: false, newer: false };
  if (!problem) {
    try {
      const { events } = await api.admin.listEvents({
        sequence: cursor.sequence,
        asc: cursor.asc,
        limit: PAGE_SIZE + 1,
        editorUserId,
        eventTypes: filters.type ? filters.type.split(/[\s,]+/).filter(Boolean) : [],
        aggregateId: filters.resource,
        aggregateTypes: filters.kind ? [filters.kind] : [],
      });
      const got = pageOf(events, cursor);
      entries = got.shown.map(fromEvent);
      paging = got;
    } catch (error) {
      // Not an instance administrator: the page says so (403), like the API.
      const refused = refusal(error);
      if (refused.status === 403) throw error;
      problem = refused;
    }
  }
  const params = Object.fromEntries(Object.entries(filters).filter(([, v]) => v));
  page(
    "Audit trail",
    "/audit",
    html`<h1>Audit trail</h1>
<p>Every change to the directory: who made it, when, and what changed. Secrets are never recorded.</p>
<form method="get" action="${BASE}" class="search filters" role="search" aria-label="Filter the audit trail">
  <div><label for="type">Event type</label><input type="search" id="type" name="type" value="${filters.type}" aria-describedby="type-hint"><p class="muted" id="type-hint">For example organization.updated</p></div>
  <div><label for="editor">Editor</label><input type="search" id="editor" name="editor" value="${filters.editor}"${problem?.status === 404 ? html` aria-invalid="true"` : ""} aria-describedby="editor-hint"><p class="muted" id="editor-hint">Login name or user ID</p></div>
  <div><label for="kind">Resource type</label><select id="kind" name="kind"><option value="">Any</option>${Object.entries(RESOURCE_TYPES).map(([value, label]) => html`<option value="${value}"${value === filters.kind ? html` selected` : ""}>${label}</option>`)}</select></div>
  <div><label for="resource">Resource ID</label><input type="search" id="resource" name="resource" value="${filters.resource}"></div>
  <button type="submit" class="secondary">Filter</button>
</form>
${errorBox(problem?.message)}
${trailTable(entries, { resourceColumn: true, payloads: true })}
${trailPager(BASE, entries, paging, params)}`,
    problem?.status,
  );
}

interface Subject {
  /** "organization Acme". */
  title: Html | string;
  /** Where the object's own page is, if the console has one. */
  link?: string | undefined;
  orgId: string;
  changes(query: { sequence: bigint; limit: number; asc: boolean }): Promise<Change[]>;
}

const KINDS: Record<string, (api: ConsoleApi, id: string) => Promise<Subject | undefined>> = {
  async org(api, id) {
    const org = await findOrganization(api, id);
    if (!org) return undefined;
    return {
      title: `organization ${org.name}`,
      link: `${CONSOLE}/organizations/${org.id}`,
      orgId: org.id,
      changes: async (query) => (await api.management.listOrgChanges({ query }, inOrganization(org.id))).result,
    };
  },
  async user(api, id) {
    const { user } = await api.users.getUserByID({ userId: id });
    if (!user) return undefined;
    const orgId = user.details?.resourceOwner ?? "";
    return {
      title: `user ${user.preferredLoginName || user.username}`,
      orgId,
      changes: async (query) => (await api.management.listUserChanges({ userId: user.userId, query }, inOrganization(orgId))).result,
    };
  },
  async project(api, id) {
    const { project } = await api.projects.getProject({ projectId: id });
    if (!project) return undefined;
    return {
      title: `project ${project.name}`,
      orgId: project.organizationId,
      changes: async (query) =>
        (await api.management.listProjectChanges({ projectId: project.projectId, query }, inOrganization(project.organizationId))).result,
    };
  },
  async app(api, id) {
    const { application } = await api.applications.getApplication({ applicationId: id });
    if (!application) return undefined;
    const { project } = await api.projects.getProject({ projectId: application.projectId });
    if (!project) return undefined;
    return {
      title: `app ${application.name}`,
      orgId: project.organizationId,
      changes: async (q) =>
        (
          await api.management.listAppChanges(
            { projectId: project.projectId, appId: application.applicationId, query: q },
            inOrganization(project.organizationId),
          )
        ).result,
    };
  },
};

const KIND_NAMES: Record<string, string> = { org: "organization", user: "user", project: "project", app: "app" };

async function objectTrail(ctx: ConsoleContext, kind: string, id: string) {
  const { api, page } = ctx.state.console;
  const find = Object.hasOwn(KINDS, kind) ? KINDS[kind] : undefined;
  if (!find) return page("Not found", "/audit", html`<h1>Not found</h1><p>There is no such page in the console.</p>`, 404);
  const subject = await find(api, id).catch((error: unknown) => {
    // A malformed id, like another tenant's object, is not found.
    const refused = refusal(error);
    if (refused.status === 400 || refused.status === 404) return undefined;
    throw error;
  });
  if (!subject) {
    return page(
      "Not found",
      "/audit",
      html`<p><a href="${BASE}">Audit trail</a></p><h1>Not found</h1><p>There is no ${KIND_NAMES[kind]} ${id} that you may see.</p>`,
      404,
    );
  }
  const cursor = readCursor(ctx.query);
  const changes = await subject.changes({ sequence: cursor.sequence, limit: PAGE_SIZE + 1, asc: cursor.asc });
  const got = pageOf(changes, cursor);
  const entries = got.shown.map(fromChange);
  const payloads = await payloadsOf(api, id, entries);
  for (const entry of entries) entry.payload = payloads?.get(entry.sequence);
  const action = `${BASE}/${kind}/${encodeURIComponent(id)}`;
  page(
    `Audit trail of ${subject.title}`,
    "/audit",
    html`<p><a href="${BASE}">Audit trail</a>${subject.link ? html` · <a href="${subject.link}">${subject.title}</a>` : ""}</p>
<h1>Audit trail of ${subject.title}</h1>
${payloads ? "" : html`<p class="muted">What changed in each entry is shown to instance administrators.</p>`}
${trailTable(entries, { resourceColumn: false, payloads: Boolean(payloads) })}
${trailPager(action, entries, got, {})}`,
  );
}

/**
 * The payloads of v1's changes, from ListEvents by sequence: the object's own events, then any
 * others of the page's range (a project's roles and grants). Undefined for anyone ListEvents
 * refuses (it is for instance administrators).
 */
async function payloadsOf(api: ConsoleApi, id: string, entries: Entry[]): Promise<Map<bigint, JsonObject | undefined> | undefined> {
  if (entries.length === 0) return new Map();
  const sequences = entries.map((e) => e.sequence);
  // Shown newest first.
  const newest = sequences[0]!;
  const oldest = sequences[sequences.length - 1]!;
  const found = new Map<bigint, JsonObject | undefined>();
  const keep = (events: Event[]) => {
    for (const e of events) if (sequences.includes(e.sequence)) found.set(e.sequence, e.payload);
  };
  try {
    keep((await api.admin.listEvents({ aggregateId: id, sequence: newest + 1n, limit: PAGE_SIZE * 5 })).events);
    if (found.size < entries.length) {
      const span = Number(newest - oldest) + 1;
      keep((await api.admin.listEvents({ sequence: newest + 1n, limit: Math.min(1000, span) })).events);
    }
  } catch (error) {
    if (refusal(error).status === 403) return undefined;
    throw error;
  }
  return found;
}

function fromEvent(e: Event): Entry {
  return {
    sequence: e.sequence,
    at: e.creationDate ? timestampDate(e.creationDate) : undefined,
    editorId: e.editor?.userId ?? "",
    editor: e.editor?.displayName ?? "",
    editorLogin: "",
    type: e.type?.type ?? "",
    resource: e.aggregate ? { type: e.aggregate.type?.type ?? "", id: e.aggregate.id } : undefined,
    payload: e.payload,
  };
}

function fromChange(c: Change): Entry {
  return {
    sequence: c.sequence,
    at: c.changeDate ? timestampDate(c.changeDate) : undefined,
    editorId: c.editorId,
    editor: c.editorDisplayName,
    editorLogin: c.editorPreferredLoginName,
    type: c.eventType?.key ?? "",
  };
}

function trailTable(entries: Entry[], options: { resourceColumn: boolean; payloads: boolean }): Html | string {
  if (entries.length === 0) return html`<p class="muted">Nothing found.</p>`;
  const rows = entries.map(
    (e) => html`<tr>
  <td data-label="When"><time datetime="${e.at?.toISOString() ?? ""}">${formatTime(e.at)}</time></td>
  <td data-label="Who">${e.editor || e.editorId}${e.editorLogin && e.editorLogin !== e.editor ? html` <span class="muted">(${e.editorLogin})</span>` : ""}</td>
  <td data-label="What"><code>${e.type}</code></td>
  ${options.resourceColumn ? html`<td data-label="Resource">${resourceCell(e)}</td>` : ""}
  ${options.payloads ? html`<td data-label="Changes">${changesOf(e.payload)}</td>` : ""}
</tr>`,
  );
  return html`<table class="responsive trail">
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th>${options.resourceColumn ? html`<th scope="col">Resource</th>` : ""}${options.payloads ? html`<th scope="col">Changes</th>` : ""}</tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

function trailPager(action: string, entries: Entry[], paging: { older: boolean; newer: boolean }, params: Record<string, string>) {
  if (entries.length === 0) return "";
  const link = (extra: Record<string, string>) => `${action}?${new URLSearchParams({ ...params, ...extra }).toString()}`;
  const newest = entries[0]!.sequence;
  const oldest = entries[entries.length - 1]!.sequence;
  return html`<nav class="pager" aria-label="Pages">
${paging.newer ? html`<a href="${link({})}">Newest entries</a><a href="${link({ after: String(newest) })}" rel="prev">Newer entries</a>` : ""}
${paging.older ? html`<a href="${link({ before: String(oldest) })}" rel="next">Older entries</a>` : ""}
</nav>`;
}

/** The object's own trail, where the console has one for its type. */
function resourceCell(e: Entry): Html | string {
  if (!e.resource) return "";
  const { type, id } = e.resource;
  const label = html`${RESOURCE_TYPES[type] ?? type} <span class="muted">${id}</span>`;
  const projectId = stateField(e.payload, "projectId");
  const kind = { organization: "org", user: "user", project: "project", application: projectId ? "app" : "" }[type];
  if (!kind) return label;
  const query = kind === "app" && projectId ? `?project=${encodeURIComponent(projectId)}` : "";
  return html`<a href="${BASE}/${kind}/${encodeURIComponent(id)}${query}">${label}</a>`;
}

function stateField(payload: JsonObject | undefined, field: string): string | undefined {
  for (const state of [payload?.after, payload?.before]) {
    const value = isObject(state) ? state[field] : undefined;
    if (typeof value === "string" && value) return value;
  }
  return undefined;
}

const isObject = (v: JsonValue | undefined): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Bookkeeping that changes with every write: not a change worth reading. */
const UNREMARKABLE = new Set(["updatedAt", "createdAt"]);
const MAX_FIELDS = 12;
const MAX_VALUE = 120;

/** The fields that changed (before → after), or those set (created) or held (deleted). */
function changesOf(payload: JsonObject | undefined): Html {
  const before = isObject(payload?.before) ? payload.before : undefined;
  const after = isObject(payload?.after) ? payload.after : undefined;
  if (!before && !after) return html`<span class="muted">—</span>`;
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].filter((k) => !UNREMARKABLE.has(k));
  let items: Html[];
  let heading = "";
  if (before && after) {
    items = keys
      .filter((k) => stable(before[k]) !== stable(after[k]))
      .map((k) => html`<li><code>${k}</code>: <del>${show(before[k])}</del> → <ins>${show(after[k])}</ins></li>`);
    if (items.length === 0) return html`<span class="muted">no field changed</span>`;
  } else {
    const state = (after ?? before)!;
    heading = after ? "Set:" : "Removed:";
    items = keys.filter((k) => state[k] !== null && state[k] !== undefined).map((k) => html`<li><code>${k}</code>: ${show(state[k])}</li>`);
  }
  const more = items.length > MAX_FIELDS ? html`<li class="muted">and ${items.length - MAX_FIELDS} more</li>` : "";
  return html`${heading ? html`<span class="muted">${heading}</span>` : ""}<ul class="changes">${items.slice(0, MAX_FIELDS)}${more}</ul>`;
}

function show(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "(empty)";
  const text = typeof value === "string" ? value : stable(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
}

/** JSON with sorted keys, so that equal states compare equal. */
function stable(value: JsonValue | undefined): string {
  if (value === undefined) return "undefined";
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v as JsonValue) ? Object.fromEntries(Object.entries(v as JsonObject).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}
