import type { CliContext } from "../context.js";

/** Parsed options of one command (commander's camelCase keys). */
export type CommandOptions = Record<string, unknown>;

/** What a command does, once its arguments are parsed and its context is built. */
export type CommandAction = (ctx: CliContext, args: string[], opts: CommandOptions) => Promise<void>;

/** Turns a {@link CommandAction} into a commander action handler (program.ts builds the context). */
export type Bind = (action: CommandAction) => (...raw: unknown[]) => Promise<void>;
