import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

function readText(path: string): string | null {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return null;
  }
}

/** The parent pid from /proc/<pid>/stat text; the command name may hold spaces and parentheses. */
export function parentPidFromStat(statText: string): number | null {
  const close = statText.lastIndexOf(")");
  if (close < 0) return null;
  const rest = statText.slice(close + 2).split(" ");
  const ppid = Number(rest[1]);
  return Number.isInteger(ppid) ? ppid : null;
}

function childrenViaTaskFiles(proc: string, pid: number): number[] | null {
  let tids: string[];
  try {
    tids = readdirSync(join(proc, String(pid), "task"));
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const tid of tids) {
    // Children are listed under the thread that forked them, so every thread is asked.
    const text = readText(join(proc, String(pid), "task", tid, "children"));
    if (text === null) return null;
    for (const word of text.split(" ")) if (word.trim() !== "") out.push(Number(word));
  }
  return out;
}

function parentMapViaScan(proc: string): Map<number, number[]> {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync(proc);
  } catch {
    return children;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const text = readText(join(proc, entry, "stat"));
    const ppid = text === null ? null : parentPidFromStat(text);
    if (ppid === null) continue;
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  return children;
}

/**
 * The root pid and all its descendants, each with its parent. Uses /proc/<pid>/task/<tid>/children
 * where the kernel has it (cheap), and a scan of every /proc/<pid>/stat where it does not.
 */
export function processTree(root: number, proc = "/proc"): Map<number, number | null> {
  const tree = new Map<number, number | null>([[root, null]]);
  let scan: Map<number, number[]> | null = null;
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    let kids = scan ? (scan.get(pid) ?? []) : childrenViaTaskFiles(proc, pid);
    if (kids === null) {
      scan = parentMapViaScan(proc);
      kids = scan.get(pid) ?? [];
    }
    for (const kid of kids) {
      if (!tree.has(kid)) {
        tree.set(kid, pid);
        queue.push(kid);
      }
    }
  }
  return tree;
}
