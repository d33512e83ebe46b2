/**
 * Refusals of what the process environment holds (a variable `credential=env` reads), as opposed
 * to what a connection string says. Opening a connection string turns a driver's `InvalidArgument`
 * into `ConnectionStringInvalid` (registry.ts), since its values came from the string; these stay
 * `InvalidArgument`: the string is right, the environment is not.
 */
const fromEnvironment = new WeakSet<object>();

/**
 * Marks `error` as a refusal of the environment (see above) and returns it, to be thrown.
 * @throws nothing
 */
export function environmentRefusal<E extends object>(error: E): E {
  fromEnvironment.add(error);
  return error;
}

/**
 * Whether `error` was marked by {@link environmentRefusal}.
 * @throws nothing
 */
export function isEnvironmentRefusal(error: unknown): boolean {
  return typeof error === "object" && error !== null && fromEnvironment.has(error);
}
