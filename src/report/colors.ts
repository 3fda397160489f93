import { Chalk, type ChalkInstance } from "chalk";

/**
 * Colour only for a terminal, and never when NO_COLOR is set (https://no-color.org); FORCE_COLOR
 * still wins, for users who pipe into a pager that understands colour.
 */
export function chalkFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): ChalkInstance {
  const force = env["FORCE_COLOR"];
  if (force !== undefined && force !== "0" && force !== "false") return new Chalk({ level: 1 });
  if ((env["NO_COLOR"] ?? "") !== "" || !stream.isTTY || env["TERM"] === "dumb") return new Chalk({ level: 0 });
  return new Chalk({ level: 1 });
}
