// What a console screen is: routes below /ui/console whose handlers get the signed-in user's API
// clients and answer with console pages.
import type Router from "@koa/router";
import type Koa from "koa";
import type { ConsoleApi } from "./api.js";
import type { Value } from "./html.js";
import type { ConsoleSession } from "./session.js";

/** What a screen's handler gets: the user's API clients, and how to answer with a page. */
export interface ConsoleState {
  session: ConsoleSession;
  api: ConsoleApi;
  csrfToken: string;
  /** The submitted form (POST), its CSRF token already checked. */
  form: URLSearchParams;
  /** The files of a multipart/form-data POST, by field name (empty otherwise). */
  files: ReadonlyMap<string, File>;
  /** Answers with a console page (status 200 unless given). */
  page(title: string, section: string, content: Value, status?: number): void;
}

export type ConsoleContext = Koa.ParameterizedContext<{ console: ConsoleState }>;
export type ConsoleRouter = Router<{ console: ConsoleState }>;

/** A screen adds its routes (paths below /ui/console) to the console's router. */
export type Screen = (router: ConsoleRouter) => void;
