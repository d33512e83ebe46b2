/**
 * URL user information whose password holds `/` (`cos://AKIDx:wJalr/K7MD@bucket/dir/`, common in
 * AWS-style secret keys) is read by structure: the name `AKIDx:wJalr` is no name and the `@` is in
 * the work_dir, so the string is refused before any driver sees (and quotes) the name, never
 * echoing the secret (review-session7 H2).
 */
import { describe, expect, it } from "@jest/globals";
import { isStorageError, type StorageError } from "../src/errors/storage-error.js";
import { resolveOpenConfig } from "../src/pairs/open-config.js";
import type { ServiceDefinition } from "../src/registry/service-definition.js";
import { demoService } from "./demo-service.js";

const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

const definition = demoService;

/** A service without names (as fs): a name in the path part is refused with its own hint. */
const nameless: ServiceDefinition = { ...definition, type: "nameless", storagerRequires: ["work_dir"], unusedPairs: ["name"] };

function refusal(def: ServiceDefinition, conn: string): StorageError {
  try {
    resolveOpenConfig(def, conn, "storager");
  } catch (e) {
    if (!isStorageError(e)) throw e;
    return e;
  }
  throw new Error(`expected a refusal of ${conn}`);
}

/** Every piece (4 characters or more) of the secret that `text` shows. */
function pieces(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i + 4 <= SECRET.length; i++) if (text.includes(SECRET.slice(i, i + 4))) found.push(SECRET.slice(i, i + 4));
  return found;
}

describe("user information whose password holds /", () => {
  it.each([
    `demo://AKIDx:${SECRET}@b-1250000000/dir/`,
    `demo://AKIDx:${SECRET}@b-1250000000`,
    `demo://AKIDx:${SECRET}@b-1250000000/dir/?credential=hmac:a:b`,
    `demo://AKIDx:${SECRET.replace(/\//g, "%2F")}%40b-1250000000/dir/`.replace("%2F", "/"),
    `demo://AKIDx%3A${SECRET}%40b-1250000000/`,
    `nameless://AKIDx:${SECRET}@/tmp/dir/`,
  ])("refuses %s as user information, showing no piece of the secret", (conn) => {
    const e = refusal(conn.startsWith("nameless") ? nameless : definition, conn);
    expect(e.code).toBe("ConnectionStringInvalid");
    expect(e.message).toContain("user information");
    expect(pieces(e.message)).toEqual([]);
    expect(pieces(JSON.stringify(e.toJSON()))).toEqual([]);
  });

  it("keeps a work_dir that merely holds @, and a Windows drive's own hint", () => {
    expect(resolveOpenConfig(definition, "demo://b-1250000000/users/a@b.com/", "storager").config.workDir).toBe("/users/a@b.com/");
    const drive = refusal(nameless, "nameless://C:/Users/me@corp/");
    expect(drive.message).toContain("takes no name before the work_dir");
  });
});
