// Every string of every management API request, checked before a handler sees it: a control
// character other than tab and line breaks (NUL above all: PostgreSQL refuses 0x00, a 500) or a
// lone surrogate (which invalid UTF-8 in a JSON body becomes, see utf8.ts) is invalid_argument
// naming the field, as the request's JSON spells it (e.g. `queries[0].nameQuery.name`). The
// directory's own checks (src/directory/validate.ts) are stricter for single-line fields.
import type { DescField, DescMessage, Message } from "@bufbuild/protobuf";
import { reflect, type ReflectList, type ReflectMap, type ReflectMessage } from "@bufbuild/protobuf/reflect";
import type { Interceptor } from "@connectrpc/connect";
import { invalidArgument } from "../directory/errors.js";
import { textProblem } from "../directory/validate.js";

/** Nested messages deeper than this are not walked (protobuf's own recursion limit is 100). */
const MAX_DEPTH = 100;

export function requestTextInterceptor(): Interceptor {
  return (next) => async (req) => {
    if (!req.stream) checkMessageText(req.method.input, req.message);
    return next(req);
  };
}

/** Throws invalid_argument for the first string of `message` that cannot be stored as text. */
export function checkMessageText(desc: DescMessage, message: Message): void {
  walk(reflect(desc, message), "", 0);
}

function checkString(path: string, value: unknown): void {
  if (typeof value !== "string") return;
  const problem = textProblem(value, { multiline: true });
  if (problem) throw invalidArgument(path, problem);
}

function walk(message: ReflectMessage, path: string, depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (const field of message.fields) {
    if (!message.isSet(field)) continue;
    const at = path ? `${path}.${field.jsonName}` : field.jsonName;
    walkField(field, message.get(field), at, depth);
  }
}

function walkField(field: DescField, value: unknown, at: string, depth: number): void {
  switch (field.fieldKind) {
    case "scalar":
      checkString(at, value);
      return;
    case "message":
      walk(value as ReflectMessage, at, depth + 1);
      return;
    case "list": {
      let i = 0;
      for (const item of value as ReflectList) {
        if (field.listKind === "message") walk(item as ReflectMessage, `${at}[${i}]`, depth + 1);
        else checkString(`${at}[${i}]`, item);
        i++;
      }
      return;
    }
    case "map":
      for (const [key, item] of value as ReflectMap) {
        checkString(`${at}`, key);
        if (field.mapKind === "message") walk(item as ReflectMessage, `${at}[${String(key)}]`, depth + 1);
        else checkString(`${at}[${String(key)}]`, item);
      }
      return;
    default:
      return;
  }
}
