import { ErrorCode } from "../errors/error-code.js";
import { storageError } from "../errors/storage-error.js";
import { camelCase } from "../operations.js";
import type { PairSet } from "./pair-definition.js";

/**
 * A Markdown table of `pairs`: connection-string name, TypeScript option,
 * type, where it is accepted, and description. The docs embed it between
 * `<!-- pairs:<id>:start -->` and `<!-- pairs:<id>:end -->` markers, and a test
 * keeps them in step with the definitions.
 * @throws nothing
 */
export function renderPairsTable(pairs: PairSet): string {
  const rows = [
    "| pair (connection string) | option (TypeScript) | type | accepted by | description |",
    "|---|---|---|---|---|",
  ];
  for (const def of Object.values(pairs)) {
    const scopes = def.operations.map((op) => (op === "new" ? "open" : op));
    const flags = [
      def.defaultable ? `\`default_${def.name}\`` : "",
      def.required?.length ? `required by ${def.required.join(", ")}` : "",
      def.feature ? `needs feature \`${def.feature}\`` : "",
      def.enum ? `one of ${def.enum.map((v) => `\`${v}\``).join(", ")}` : "",
    ].filter(Boolean);
    const description = [def.description, ...flags].join(" ").replace(/\|/g, "\\|");
    const option = def.operations.some((op) => op !== "new") || def.operations.length === 0 ? `\`${camelCase(def.name)}\`` : `\`${camelCase(def.name)}\` (open)`;
    rows.push(`| \`${def.name}\` | ${option} | ${def.type} | ${scopes.join(", ")} | ${description} |`);
  }
  return rows.join("\n");
}

/**
 * Replaces the block between the `pairs:<id>` markers of `doc` with `table`.
 * @throws InvalidArgument when the markers are missing (a docs test must not pass vacuously).
 */
export function embedPairsTable(doc: string, id: string, table: string): string {
  const start = `<!-- pairs:${id}:start -->`;
  const end = `<!-- pairs:${id}:end -->`;
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw storageError(ErrorCode.InvalidArgument, `the document has no ${start} ... ${end} block`);
  return doc.slice(0, from + start.length) + "\n" + table + "\n" + doc.slice(to);
}
