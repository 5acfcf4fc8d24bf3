// The layers of rolegate (README "Development"): each may import only those below it.
//   access (the pure rules)  ←  directory, keys  ←  http, pages (shared web parts)  ←  edges: oidc, login, api, console  ←  src/*.ts (composition)
// The platform (src/db, src/generated, ids, log, config, redis) is below everything but access.
// `npm run lint` runs this; a wrong-way import fails CI.
const EDGES = ["oidc", "login", "api", "console"];
const edge = (name) => `^src/${name}/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "access-is-pure",
      comment: "src/access holds the pure rules: it imports nothing of the project but itself.",
      severity: "error",
      from: { path: "^src/access/" },
      to: { path: "^src/", pathNot: "^src/access/" },
    },
    {
      name: "directory-below-edges",
      comment: "The directory and the keys serve every edge; they import no edge, no web part and no composition.",
      severity: "error",
      from: { path: "^src/(directory|keys)/" },
      to: { path: ["^src/(oidc|login|api|console|http|pages)/", "^src/(server|main|sign-in|bootstrap)\\.ts$"] },
    },
    {
      name: "web-parts-below-edges",
      comment: "src/http and src/pages are shared by the edges; they import no edge.",
      severity: "error",
      from: { path: "^src/(http|pages)/" },
      to: { path: ["^src/(oidc|login|api|console)/", "^src/(server|main|sign-in|bootstrap)\\.ts$"] },
    },
    ...EDGES.map((name) => ({
      name: `${name}-imports-no-other-edge`,
      comment: "The edges (oidc, login, api) do not import each other: src/sign-in.ts and src/server.ts join them.",
      severity: "error",
      from: { path: edge(name) },
      to: { path: EDGES.filter((other) => other !== name).map(edge) },
    })),
    {
      name: "edges-below-composition",
      comment: "Only the composition (src/*.ts) imports the composition.",
      severity: "error",
      from: { path: "^src/(access|directory|keys|http|pages|oidc|login|api|console|db)/" },
      to: { path: "^src/(server|main|sign-in|bootstrap)\\.ts$" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/generated/" },
      to: { circular: true },
    },
  ],
  options: {
    // Generated files are modules like any (access may not import them) but are not followed.
    doNotFollow: { path: ["node_modules", "^src/generated/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
      extensions: [".ts", ".js"],
    },
  },
};
