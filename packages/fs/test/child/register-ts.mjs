// `node --import <this file> script.ts`: runs workspace TypeScript sources directly (ts-hooks.mjs).
import { register } from "node:module";

register(new URL("./ts-hooks.mjs", import.meta.url));
