// The console's screens, each adding its routes below /ui/console.
import type { Screen } from "../screen.js";
import { applications } from "./applications.js";
import { administrators } from "./administrators.js";
import { authorizations } from "./authorizations.js";
import { audit } from "./audit.js";
import { branding } from "./branding.js";
import { explain } from "./explain.js";
import { organizations } from "./organizations.js";
import { overview } from "./overview.js";
import { grantedProjects } from "./granted-projects.js";
import { projectGrants } from "./project-grants.js";
import { projects } from "./projects.js";
import { roles } from "./roles.js";
import { signingKeys } from "./signing-keys.js";
import { users } from "./users.js";

export const SCREENS: readonly Screen[] = [
  overview,
  organizations,
  users,
  projects,
  roles,
  projectGrants,
  grantedProjects,
  authorizations,
  applications,
  administrators,
  branding,
  signingKeys,
  audit,
  explain,
];
