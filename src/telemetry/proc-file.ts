import { closeSync, openSync, readSync } from "node:fs";

/**
 * Re-reads a /proc file through one open descriptor. /proc files regenerate their text on every
 * read from offset 0, so keeping the descriptor saves an open and a close per sample, which is
 * most of what sampling at 10 Hz costs.
 */
export class ProcFile {
  private fd: number | null;
  private buffer = Buffer.allocUnsafe(16 * 1024);

  constructor(readonly path: string) {
    this.fd = openSync(path, "r");
  }

  /** The file's current text; throws when the file is gone (e.g. the process exited). */
  read(): string {
    if (this.fd === null) throw new Error(`${this.path} is closed`);
    for (;;) {
      const n = readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
      // A full buffer may mean the text was cut: grow and read again from the start.
      if (n < this.buffer.length) return this.buffer.toString("latin1", 0, n);
      this.buffer = Buffer.allocUnsafe(this.buffer.length * 2);
    }
  }

  close(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // Closing a descriptor of a vanished process can fail; there is nothing left to release.
      }
      this.fd = null;
    }
  }
}

/** Opens a /proc file, or returns null when it does not exist or cannot be read. */
export function tryOpenProcFile(path: string): ProcFile | null {
  try {
    return new ProcFile(path);
  } catch {
    return null;
  }
}
