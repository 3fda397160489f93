/** Reads one sample at a time into a caller's buffer, as a map-style Dataset's __getitem__ does. */
export interface SampleReader {
  read(index: number, out: Uint8Array): void | Promise<void>;
  close(): void;
}

/** A sample that cannot be read or decoded: fails the trial with this message. */
export class SampleReadError extends Error {}
