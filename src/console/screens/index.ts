// The console's screens, each adding its routes below /ui/console.
import type { Screen } from "../screen.js";
import { audit } from "./audit.js";
import { branding } from "./branding.js";
import { explain } from "./explain.js";
import { organizations } from "./organizations.js";
import { overview } from "./overview.js";

export const SCREENS: readonly Screen[] = [overview, organizations, branding, audit, explain];
