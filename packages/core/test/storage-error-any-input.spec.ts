/**
 * A StorageError is built from whatever a caller or a thrown value put in, and its JSON is always
 * made: a path of a type JSON refuses (bigint, a cycle) is shown by its kind, a message that is no
 * string is made one. `toJSON()` of a call over many paths carries the first 100 and a count
 * (`path` keeps them all). `cause` is a redacted copy that keeps a bounded chain of causes.
 */
import { describe, expect, it } from "@jest/globals";
import type { ErrorCode } from "../src/errors/error-code.js";
import { StorageError, type StorageErrorInit } from "../src/errors/storage-error.js";

const cyclic: Record<string, unknown> = { name: "c" };
cyclic["self"] = cyclic;

describe("StorageError: built from anything", () => {
  it.each([
    [5n, "(bigint)"],
    [[5n, "a"], '[(bigint),"a"]'],
    [cyclic, "(object)"],
    [["a", "b", "c", 4n, "e"], '["a","b","c",… 2 more]'],
  ] as Array<[unknown, string]>)("shows the path %p as %s, keeps it as given, and toJSON stringifies", (path, shown) => {
    const e = new StorageError({ code: "InvalidArgument", message: "bad", op: "stat", path: path as string });
    expect(e.message).toBe(`InvalidArgument: bad (op=stat, path=${shown})`);
    expect(e.path).toBe(path);
    expect(() => JSON.stringify(e)).not.toThrow();
    expect(e.withContext({ service: "memory" }).message).toContain(`path=${shown}`);
  });

  it("names a wrong-typed path by its kind in toJSON", () => {
    expect(new StorageError({ code: "InvalidArgument", message: "bad", path: 5n as unknown as string }).toJSON()["path"]).toBe("(bigint)");
    expect(new StorageError({ code: "InvalidArgument", message: "bad", path: ["a", 5n] as unknown as string[] }).toJSON()["path"]).toEqual(["a", "(bigint)"]);
  });

  it("takes a message that is no string, and a cause whose message is none", () => {
    const e = new StorageError({ code: "Unexpected", message: { a: 1 } as unknown as string, cause: Object.assign(new Error(), { message: 7n }) });
    expect(e.message).toBe("Unexpected: [object Object]");
    expect((e.cause as Error).message).toBe("7");
    const nothing = new StorageError({ code: "Unexpected", message: Object.create(null) as string });
    expect(nothing.message).toBe("Unexpected: (object)");
  });
});

describe("StorageError: built without an init, or from one a JS caller got wrong", () => {
  it("builds an Unexpected error with no init at all", () => {
    for (const init of [undefined, null, 42, "text"]) {
      const e = new (StorageError as new (init?: unknown) => StorageError)(init);
      expect(e).toBeInstanceOf(StorageError);
      expect([e.code, e.message, e.retryable, e.credentialRefused]).toEqual(["Unexpected", "Unexpected: (no message)", false, false]);
      expect(() => JSON.stringify(e)).not.toThrow();
    }
  });

  it("takes context fields of any type, and a retryable that is no boolean gives the code's default", () => {
    const e = new StorageError({
      code: "RequestThrottled",
      message: "slow down",
      op: Symbol("op") as unknown as string,
      service: 5 as unknown as string,
      statusCode: Symbol("status") as unknown as number,
      requestId: Object.create(null) as string,
      retryable: "no" as unknown as boolean,
    });
    expect(e.message).toBe("RequestThrottled: slow down (op=Symbol(op), service=5, status=Symbol(status), requestId=(object))");
    expect(e.retryable).toBe(true);
    expect(new StorageError({ code: 7 as unknown as ErrorCode, message: "x" }).code).toBe("Unexpected");
  });

  it("keeps its fields as their types say, so JSON.stringify always takes toJSON (a bigint op, a batch that is none)", () => {
    const e = new StorageError({
      code: "Unexpected",
      message: "m",
      op: 5n as unknown as string,
      requestId: 7n as unknown as string,
      statusCode: "500" as unknown as number,
      batch: { failed: "x" } as never,
    });
    expect([e.op, e.requestId, e.statusCode, e.batch]).toEqual(["5", "7", undefined, undefined]);
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({ code: "Unexpected", op: "5", requestId: "7" });
    const batch = { failed: [], deleted: ["a"], notAttempted: [] };
    expect(new StorageError({ code: "Unexpected", message: "m", batch }).batch).toBe(batch);
  });

  it("leaves out a field whose getter throws", () => {
    const init = {
      code: "ObjectNotExist",
      get message(): string {
        throw new Error("no message for you");
      },
      get op(): string {
        throw new Error("no op either");
      },
      service: "memory",
    } as unknown as StorageErrorInit;
    const e = new StorageError(init);
    expect([e.code, e.message, e.op, e.service]).toEqual(["ObjectNotExist", "ObjectNotExist: (no message) (service=memory)", undefined, "memory"]);
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(new StorageError(revoked.proxy as unknown as StorageErrorInit).message).toBe("Unexpected: (no message)");
  });
});

describe("StorageError.toJSON of a call over many paths", () => {
  it("carries the first 100 paths and their count; the path property keeps them all", () => {
    const paths = Array.from({ length: 20_001 }, (_, i) => `file-${i}.txt`);
    const e = new StorageError({ code: "ObjectModeInvalid", message: "refused", op: "delete", path: paths });
    const json = e.toJSON();
    expect(json["path"]).toEqual(paths.slice(0, 100));
    expect(json["pathCount"]).toBe(20_001);
    expect(JSON.stringify(e).length).toBeLessThan(4000);
    expect(e.path).toBe(paths);
  });

  it("carries a list of up to 100 whole, without a count", () => {
    const paths = Array.from({ length: 100 }, (_, i) => `f${i}`);
    const json = new StorageError({ code: "ObjectNotExist", message: "x", path: paths }).toJSON();
    expect(json["path"]).toEqual(paths);
    expect("pathCount" in json).toBe(false);
  });
});

describe("StorageError.cause", () => {
  const SECRET = "Sup3rSecretValue99";

  it("is a redacted copy keeping code, errno, syscall and the cause's own cause, redacted too", () => {
    const reset = Object.assign(new Error(`read ECONNRESET password=${SECRET}`), { code: "ECONNRESET", errno: -104, syscall: "read", headers: { authorization: SECRET } });
    const outer = new Error("outer", { cause: reset });
    const e = new StorageError({ code: "Unexpected", message: "failed", cause: outer });
    const cause = e.cause as Error & { cause?: Error & Record<string, unknown> };
    expect(cause).not.toBe(outer);
    expect(cause.message).toBe("outer");
    expect(cause.cause).toMatchObject({ message: "read ECONNRESET password=***", code: "ECONNRESET", errno: -104, syscall: "read" });
    expect(cause.cause!["headers"]).toBeUndefined();
    expect(String(cause.cause!.stack)).not.toContain(SECRET);
  });

  it("follows a chain a bounded number of levels, a cycle included", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    const e = new StorageError({ code: "Unexpected", message: "failed", cause: b });
    let depth = 0;
    for (let c = e.cause as { cause?: unknown } | undefined; c !== undefined; c = c.cause as { cause?: unknown } | undefined) depth++;
    expect(depth).toBe(4);
  });
});
