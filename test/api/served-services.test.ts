// README's table of served services says how many methods each serves: it must stay true.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { servedServices } from "../../src/api/routes.js";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const ROW = /^\| `((?:zitadel|rolegate)\.[\w.]+)`[^|]*\| (\d+) of (\d+) \|$/gm;
const documented = new Map([...README.matchAll(ROW)].map(([, name, served, all]) => [name!, { served: Number(served), all: Number(all) }]));

describe("README's table of served services", () => {
  const services = servedServices({ prisma: {} as never });

  it("lists every served service, and nothing else", () => {
    expect([...documented.keys()].sort()).toEqual(services.map(([service]) => service.typeName).sort());
  });

  it.each(services.map(([service, impl]) => [service.typeName, service, impl] as const))(
    "counts the methods %s serves",
    (_, service, impl) => {
      const names = new Set(service.methods.map((m) => m.localName));
      const served = Object.keys(impl).filter((key) => names.has(key)).length;
      expect(documented.get(service.typeName)).toEqual({ served, all: service.methods.length });
    },
  );
});
