/**
 * Jest setup file: fixes fast-check's seed so that `pnpm test` draws the same inputs on every run.
 * A red CI then means a change broke something, not that a new draw found an old fault; drawing
 * new inputs is a run of its own (`pnpm run test:explore`), whose failures print the seed to
 * replay.
 *
 * STOWAGE_FC_SEED: unset, the fixed seed below; `random`, fast-check's own (a new one per
 * property, printed on failure); an integer, that seed for every property.
 */
import fc from "fast-check";

const FIXED_SEED = 20261125;
const given = process.env.STOWAGE_FC_SEED;

if (given !== "random") {
  const seed = given === undefined || given === "" ? FIXED_SEED : Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`STOWAGE_FC_SEED must be "random" or an integer, not ${JSON.stringify(given)}`);
  fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: seed | 0 });
}
