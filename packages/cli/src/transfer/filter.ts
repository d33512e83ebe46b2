import picomatch from "picomatch";

/** Decides which relative paths a command acts on. */
export interface PathFilter {
  (rel: string): boolean;
  /** False when no glob was given (everything passes). */
  readonly active: boolean;
}

/**
 * A filter from `--include` and `--exclude` globs (picomatch syntax), matched
 * against paths relative to the source directory. A path passes when it
 * matches at least one include (or none were given) and no exclude. Dotfiles
 * match like any other file; a glob without `/` is matched against the file
 * name at any depth (`*.jpg` matches `a/b/c.jpg`).
 */
export function makeFilter(include: readonly string[], exclude: readonly string[]): PathFilter {
  const inc = include.length === 0 ? undefined : anyOf(include);
  const exc = exclude.length === 0 ? undefined : anyOf(exclude);
  const filter = (rel: string): boolean => (inc === undefined || inc(rel)) && (exc === undefined || !exc(rel));
  return Object.assign(filter, { active: inc !== undefined || exc !== undefined });
}

/** One matcher for several globs; globs without `/` also match the last path segment. */
function anyOf(globs: readonly string[]): (rel: string) => boolean {
  const matchers = globs.map((glob) => {
    const match = picomatch(glob, { dot: true });
    if (glob.includes("/")) return match;
    return (rel: string) => match(rel) || match(rel.slice(rel.lastIndexOf("/") + 1));
  });
  return (rel) => matchers.some((m) => m(rel));
}
