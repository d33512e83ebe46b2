import picomatch from "picomatch";
import { UsageError } from "../errors.js";

/** Decides which relative paths a command acts on. */
export interface PathFilter {
  (rel: string): boolean;
  /** False when no glob was given (everything passes). */
  readonly active: boolean;
  /**
   * The globs with a `/` that matched none of the paths tested so far, as flags
   * (`--include 'raw/*.jpg'`); empty when no path was tested.
   */
  unmatched(): string[];
  /**
   * Records a path of the other tree (a destination's), for {@link PathFilter.unmatched} and
   * {@link PathFilter.directoryOnly}, deciding nothing.
   */
  see(rel: string): void;
  /**
   * The globs that name a directory of the paths seen (tested or {@link PathFilter.see}n) whose
   * contents their flag does not cover: a path below it that no glob of the same flag matched
   * (`--exclude cache` while `cache/data.bin` exists, with no `--exclude 'cache/**'`). Such a glob
   * leaves the directory's contents unfiltered, although its author most likely meant them.
   */
  directoryOnly(): DirectoryGlob[];
}

/** A glob that names a directory whose contents its flag does not cover ({@link PathFilter.directoryOnly}). */
export interface DirectoryGlob {
  /** The flag and the glob, as typed (`--exclude 'cache'`). */
  readonly flag: string;
  readonly glob: string;
  /** The first such directory it named (relative, no trailing `/`). */
  readonly dir: string;
  /** Whether it matched paths too (a file named `cache` elsewhere). */
  readonly matchedPaths: boolean;
}

/** One glob's matcher, whether it matched a path yet, and the first directory it named whose contents went uncovered. */
interface Matcher {
  readonly flag: string;
  readonly glob: string;
  readonly match: (rel: string) => boolean;
  hit: boolean;
  dir?: string;
}

const NONE: readonly Matcher[] = [];

/**
 * A filter from `--include` and `--exclude` globs (picomatch syntax), matched
 * against paths relative to the source directory. A path passes when it
 * matches at least one include (or none were given) and no exclude. Dotfiles
 * match like any other file; a glob without `/` is matched against the file
 * name at any depth (`*.jpg` matches `a/b/c.jpg`). It remembers which globs
 * matched something (see {@link PathFilter.unmatched}).
 */
export function makeFilter(include: readonly string[], exclude: readonly string[]): PathFilter {
  const inc = anyOf("--include", include);
  const exc = anyOf("--exclude", exclude);
  const all = [...inc.matchers, ...exc.matchers];
  /** The globs that name each directory seen (most name none). */
  const named = new Map<string, readonly Matcher[]>();
  /** Marks the globs naming a directory of `rel` when their flag did not decide `rel` (`covered`). */
  const checkDirs = (rel: string, covered: { readonly "--include": boolean; readonly "--exclude": boolean }): void => {
    for (let end = rel.indexOf("/"); end > 0; end = rel.indexOf("/", end + 1)) {
      const dir = rel.slice(0, end);
      let naming = named.get(dir);
      if (naming === undefined) {
        const found = all.filter((m) => m.match(dir) || m.match(dir + "/"));
        naming = found.length === 0 ? NONE : found;
        named.set(dir, naming);
      }
      for (const m of naming) if (m.dir === undefined && !covered[m.flag as "--include" | "--exclude"]) m.dir = dir;
    }
  };
  let tested = 0;
  const filter = (rel: string): boolean => {
    tested++;
    // Both sets are always tried, so that "matched nothing" is exact for every glob.
    const included = include.length === 0 || inc.test(rel);
    const excluded = exclude.length > 0 && exc.test(rel);
    if (all.length > 0) checkDirs(rel, { "--include": included, "--exclude": excluded });
    return included && !excluded;
  };
  const see = (rel: string): void => {
    if (all.length === 0) return;
    filter(rel);
  };
  const unmatched = (): string[] => (tested === 0 ? [] : all.filter((m) => !m.hit && m.glob.includes("/")).map((m) => `${m.flag} '${m.glob}'`));
  const directoryOnly = (): DirectoryGlob[] => all.filter((m) => m.dir !== undefined).map((m) => ({ flag: m.flag, glob: m.glob, dir: m.dir!, matchedPaths: m.hit }));
  return Object.assign(filter, { active: all.length > 0, unmatched, see, directoryOnly });
}

/**
 * One test for several globs; globs without `/` also match the last path segment. Every glob that
 * has not matched yet is tried, even when an earlier one decided the answer, so that "matched
 * nothing" is exact.
 */
function anyOf(flag: string, globs: readonly string[]): { matchers: Matcher[]; test: (rel: string) => boolean } {
  const matchers: Matcher[] = globs.map((glob) => {
    const match = picomatch(glob, { dot: true });
    const whole = glob.includes("/") ? match : (rel: string) => match(rel) || match(rel.slice(rel.lastIndexOf("/") + 1));
    return { flag, glob, match: whole, hit: false };
  });
  const test = (rel: string): boolean => {
    let any = false;
    for (const m of matchers) {
      if (any && m.hit) continue;
      if (m.match(rel)) any = m.hit = true;
    }
    return any;
  };
  return { matchers, test };
}

/**
 * A one-line note for the globs with a `/` that matched nothing (a glob with `/` is matched
 * against the whole path from the source directory, which surprises who expects it to match at
 * any depth), or undefined when there are none. Globs in `said` (already named by
 * {@link directoryGlobsText}) are left out.
 * @throws nothing
 */
export function unmatchedNote(filter: PathFilter, said: readonly DirectoryGlob[] = []): string | undefined {
  const globs = filter.unmatched().filter((flag) => !said.some((g) => `${g.flag} '${g.glob}'` === flag));
  if (globs.length === 0) return undefined;
  return (
    `stowage: note: no path matched ${globs.join(", ")}; a glob with / matches the whole path from the source root ` +
    `('raw/*.jpg' matches raw/a.jpg right below it; '**/raw/*.jpg' matches at any depth)`
  );
}

/**
 * What to say of {@link PathFilter.directoryOnly}'s globs: each names a directory whose contents no
 * glob of its flag matched, and the glob that matches what the directory holds (`'cache/**'`; for a
 * glob without `/` also `'**\/cache/**'`, at any depth). `root` names what the paths are relative to
 * (a tree copy's source root; rm's directory). Undefined when there are none.
 * @throws nothing
 */
export function directoryGlobsText(globs: readonly DirectoryGlob[], root = "the source root"): string | undefined {
  if (globs.length === 0) return undefined;
  const each = globs.map((g) => {
    const bare = g.glob.replace(/\/+$/, "");
    const why = !g.glob.includes("/") ? "a glob without / matches file names" : g.glob.endsWith("/") ? "a glob ending in / matches no file" : "globs match files, not directories";
    const write = g.glob.includes("/") ? `'${bare}/**'` : `'${bare}/**' (right below ${root}) or '**/${bare}/**' (at any depth)`;
    const what = g.matchedPaths ? `matched files but also names the directory ${g.dir}/, not what it holds` : `matched no path but names the directory ${g.dir}/`;
    return `${g.flag} '${g.glob}' ${what} (${why}): to match what it holds, ${g.matchedPaths ? `add ${g.flag} ${write}` : `write ${write}`}`;
  });
  return each.join("; ");
}

/**
 * rm, cp and mv without -r match `--include`/`--exclude` against each operand's name (there is no
 * tree for a path to be relative to), so a glob holding `/` could never match one: `rm --exclude
 * 'd/keep.txt' d/*` would delete keep.txt. Such a glob is refused before anything is done (one
 * whose only `/` are of a leading `./` or `**\/`, which match no directory too, is a name glob).
 * @throws UsageError for a glob with `/` (exit 2), naming the glob and the name to write instead
 */
export function refuseOperandPathGlobs(command: string, include: readonly string[] | undefined, exclude: readonly string[] | undefined): void {
  const globs = [...(include ?? []).map((g) => ["--include", g] as const), ...(exclude ?? []).map((g) => ["--exclude", g] as const)];
  // A leading `**/` matches no directory as well: `'**/*.jpg'` matches the name `a.jpg`.
  const pathGlob = globs.find(([, glob]) => glob.replace(/^(\.\/|\*\*\/)+/, "").includes("/"));
  if (pathGlob === undefined) return;
  const [flag, glob] = pathGlob;
  const name = glob.replace(/\/+$/, "").split("/").at(-1) ?? "";
  // A plain last segment is the name to write; none for braces or `**`, where it would not read as one.
  const instead = name === "" || /[{}]|\*\*/.test(glob) ? "" : ` (write ${flag} '${name}')`;
  throw new UsageError(
    `${command}: ${flag} '${glob}' holds a /: without -r a glob matches each operand's name, never a path${instead}; nothing was done`,
  );
}
