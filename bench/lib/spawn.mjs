// Child processes of the benchmark: the emulators and one process per client and case.

import { spawn } from "node:child_process";

/** Runs `node <args>` to completion (killed after `timeoutMs`); resolves to the JSON of its last stdout line. */
export function runJson(args, { env = {}, timeoutMs = 300_000, nodeFlags = [] } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0) return reject(new Error(`${args.join(" ")} exited with ${code ?? signal}${signal === "SIGKILL" ? " (timed out)" : ""}\n${err.trim()}`));
      try {
        resolve({ ...JSON.parse(line), stderr: err.trim() });
      } catch {
        reject(new Error(`${args.join(" ")}: no JSON result on stdout\n${out}\n${err}`));
      }
    });
  });
}

/**
 * Starts `node <args>` as a server that prints one JSON line when ready; it stops when its
 * stdin closes. Resolves to { info, stop(), stderr() }.
 */
export function startServer(args, { timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    let ready = false;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${args.join(" ")} did not start within ${timeoutMs} ms\n${err}`));
    }, timeoutMs);
    child.stderr.on("data", (d) => (err += d));
    child.stdout.on("data", (d) => {
      out += d;
      const nl = out.indexOf("\n");
      if (ready || nl < 0) return;
      ready = true;
      clearTimeout(timer);
      const exited = new Promise((r) => child.once("exit", r));
      const stop = async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.stdin.end();
        const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(killer);
      };
      try {
        resolve({ info: JSON.parse(out.slice(0, nl)), stop, stderr: () => err, pid: child.pid });
      } catch (e) {
        child.kill("SIGKILL");
        reject(e);
      }
    });
    child.on("exit", (code) => {
      if (!ready) {
        clearTimeout(timer);
        reject(new Error(`${args.join(" ")} exited with ${code} before it was ready\n${err}`));
      }
    });
  });
}
