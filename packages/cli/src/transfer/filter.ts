import picomatch from "picomatch";

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
}

/** One glob's matcher, and whether it matched a path yet. */
interface Matcher {
  readonly flag: string;
  readonly glob: string;
  readonly match: (rel: string) => boolean;
  hit: boolean;
}

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
  let tested = 0;
  const filter = (rel: string): boolean => {
    tested++;
    return (include.length === 0 || inc.test(rel)) && (exclude.length === 0 || !exc.test(rel));
  };
  const unmatched = (): string[] =>
    tested === 0 ? [] : [...inc.matchers, ...exc.matchers].filter((m) => !m.hit && m.glob.includes("/")).map((m) => `${m.flag} '${m.glob}'`);
  return Object.assign(filter, { active: include.length + exclude.length > 0, unmatched });
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
 * any depth), or undefined when there are none.
 * @throws nothing
 */
export function unmatchedNote(filter: PathFilter): string | undefined {
  const globs = filter.unmatched();
  if (globs.length === 0) return undefined;
  return (
    `stowage: note: no path matched ${globs.join(", ")}; a glob with / matches the whole path from the source root ` +
    `('raw/*.jpg' matches raw/a.jpg right below it; '**/raw/*.jpg' matches at any depth)`
  );
}
