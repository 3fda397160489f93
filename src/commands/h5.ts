import type { AnalysisFile } from "../store/analysis-schema.js";
import { h5Renderers } from "../report/report-sets.js";
import { writeReports } from "../report/write-reports.js";
import { accessSync, constants, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseMeminfo } from "../telemetry/meminfo.js";
import { Sampler } from "../telemetry/sampler.js";
import { summarizeTelemetry } from "../telemetry/summary.js";
import { nvidiaSmiExecutable } from "../telemetry/nvidia-smi/failures.js";
import { claimRunDir, runDirLabel } from "../store/run-dir.js";
import { RunFiles } from "../store/run-files.js";
import { H5_RESULTS_SCHEMA_VERSION, type H5ConfigResult, type H5FileInfo, type H5Results } from "../store/h5-results-schema.js";
import { Interrupted, UsageError } from "../util/errors.js";
import { toolInfo } from "../util/tool-version.js";
import { refuseSpecialFile } from "../util/special-files.js";
import { analyseH5 } from "../analysis/analyse-h5.js";
import { usableCores } from "../telemetry/usable-cores.js";
import type { AccessOrder } from "../h5/access-order.js";
import { cacheSettings, describeCacheChoice, type CacheChoice } from "../h5/cache-choice.js";
import { compressionLabel, h5Dataset, inspectH5, storedChunkBytes, storedSizesEstimated, type H5Layout } from "../h5/h5-file.js";
import { H5WASM_OWN_CACHE, wholeChunkReadFactor } from "../h5/h5wasm-limits.js";
import { SIEVE_BUFFER_BYTES } from "../h5/sieve-buffer.js";
import { runLive, samplesRead, simulateConfig, smallestCacheFor, type StudyConfig, type StudySettings } from "../h5/study.js";
import { usableCacheDir } from "../store/cache-dir.js";
import { COMPRESSIONS, ensureSyntheticH5, rechunkH5, type Compression } from "../h5/synthetic-h5.js";

export interface H5StudyOptions {
  file: string | null;
  dataset?: string;
  chunks: number[][];
  compressions: Compression[];
  /** --cache: sizes, or HDF5's defaults by name (which bring their own slots). */
  caches: CacheChoice[];
  slots: number[];
  /** --slots was given (not its default): refused together with a named default in --cache. */
  slotsGiven: boolean;
  w0: number;
  access: AccessOrder[];
  batch: number;
  epochs: number;
  workers: number[];
  samples: number;
  shape: number[];
  seed: number;
  windowChunks: number;
  targetHitRate: number;
  live: boolean;
  trace: string | null;
  perReadOut: string | null;
  /** The chunk shapes are gpuprof's defaults (1 and 100 samples), not --chunk. */
  defaultChunks?: boolean;
  intervalMs: number;
  out?: string;
  force: boolean;
  /** Report files beside results.json: html, png, md (json: results.json, always written). */
  reports: readonly ("html" | "png" | "md" | "json")[];
  reportsDir: string;
  cacheDir: string;
  env: NodeJS.ProcessEnv;
}

export interface H5Hooks {
  say(line: string): void;
  configDone(result: H5ConfigResult, results: H5Results, total: number): void;
  signal: AbortSignal;
}

/** Measured bytes within this share of the model's count agree. */
const AGREEMENT = 0.01;

function memAvailableBytes(): number | null {
  try {
    const mib = parseMeminfo(readFileSync("/proc/meminfo", "latin1")).availableMiB;
    return mib === null ? null : mib * 1024 * 1024;
  } catch {
    return null;
  }
}

function checkChunk(chunk: number[], shape: number[], where: string): void {
  if (chunk.length !== shape.length) {
    throw new UsageError(
      `--chunk ${chunk.join(",")} has ${chunk.length} dimensions but ${where} has ${shape.length} (${shape.join("x")}); give one size per dimension`,
    );
  }
  const bad = chunk.findIndex((c, d) => c > shape[d]!);
  if (bad >= 0)
    throw new UsageError(
      `--chunk ${chunk.join(",")} is larger than ${where} (${shape.join("x")}) in dimension ${bad}; use at most ${shape[bad]}`,
    );
}

const TRACE_FORM = "give sample indices as a JSON array ([0, 5, 2]) or one per line";

/** --trace: the exact sample order of one epoch. Every problem is one line naming it. */
function readTrace(path: string): number[] {
  refuseSpecialFile(path, "--trace", "give a regular file holding sample indices: a JSON array ([0, 5, 2]) or one per line");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : `cannot read it (${code})`;
    throw new UsageError(`--trace ${path}: ${why}; ${TRACE_FORM}`);
  }
  const trimmed = text.trim();
  let values: unknown;
  if (trimmed.startsWith("[")) {
    try {
      values = JSON.parse(trimmed);
    } catch (err) {
      const why = (err instanceof Error ? err.message : String(err)).split("\n")[0];
      throw new UsageError(`--trace ${path} is not valid JSON (${why}); ${TRACE_FORM}`);
    }
  } else {
    // One per line; commas are taken as separators too.
    values = trimmed === "" ? [] : trimmed.split(/[\s,]+/).filter((v) => v !== "");
  }
  if (!Array.isArray(values)) throw new UsageError(`--trace ${path} is JSON but not an array; ${TRACE_FORM}`);
  // An empty trace would replay nothing and report a study of zero reads as if it were one.
  if (values.length === 0) throw new UsageError(`--trace ${path} holds no sample indices; ${TRACE_FORM}`);
  const isIndex = (v: unknown): boolean =>
    typeof v === "string" ? /^\d+$/.test(v) && Number.isSafeInteger(Number(v)) : typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
  const bad = values.findIndex((v) => !isIndex(v));
  if (bad >= 0) {
    const shown = (typeof values[bad] === "string" ? (values[bad] as string) : (JSON.stringify(values[bad]) ?? String(values[bad]))).slice(
      0,
      24,
    );
    throw new UsageError(`--trace ${path}: entry ${bad + 1} (${shown}) is not a sample index (a whole number of 0 or more); ${TRACE_FORM}`);
  }
  return values.map(Number);
}

/** A trace index past the dataset's end, found before any file is written or read. */
function checkTrace(trace: number[] | null, count: number, where: string, tracePath: string | null): void {
  if (!trace) return;
  let most = -1;
  for (const i of trace) if (i > most) most = i;
  if (most >= count)
    throw new UsageError(
      `--trace ${tracePath} holds index ${most}, but ${where} has ${count} samples (0 to ${count - 1}); check the trace's file`,
    );
}

/** --per-read-out must be writable before hours of study, not after. */
function checkWritableFile(path: string, flag: string, force: boolean): void {
  // Writing into a FIFO with no reader would block forever, at the end of the study.
  const stats = refuseSpecialFile(path, flag, "give a new file name, e.g. reads.csv");
  if (stats?.isDirectory())
    throw new UsageError(`${flag} ${path} is a folder; give a file name, e.g. ${path.replace(/\/$/, "")}/reads.csv`);
  // Earlier results are never written over unless asked.
  if (stats && !force) throw new UsageError(`${flag} ${path} already exists; give a new file name, or add --force to replace it`);
  const folder = dirname(resolve(path));
  try {
    accessSync(stats ? path : folder, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? `the folder ${folder} does not exist` : code === "ENOTDIR" ? `${folder} is not a folder` : "it cannot be written";
    throw new UsageError(`${flag} ${path}: ${why}; give a file in an existing, writable folder`);
  }
}

/**
 * The --compression value that writes exactly this layout's filters, or null for any other
 * (gzip at another level, shuffle, ...): a gzip1 copy of a gzip9 file is a different layout.
 */
function compressionOf(layout: H5Layout): Compression | null {
  const label = compressionLabel(layout);
  return (COMPRESSIONS as readonly string[]).includes(label) ? (label as Compression) : null;
}

/** The files to study: synthetic ones for every chunk shape and compression, or the user's file and its rechunked copies. */
async function studyFiles(
  options: H5StudyOptions,
  trace: number[] | null,
  say: (line: string) => void,
  signal: AbortSignal,
): Promise<{ layout: H5Layout; origin: H5FileInfo["origin"] }[]> {
  if (options.file !== null) {
    const original = await inspectH5(options.file, options.dataset);
    checkTrace(trace, original.shape[0]!, original.dataset, options.trace);
    for (const chunk of options.chunks) checkChunk(chunk, original.shape, `the dataset ${original.dataset}`);
    const files: { layout: H5Layout; origin: H5FileInfo["origin"] }[] = [{ layout: original, origin: "user" }];
    const own = compressionOf(original);
    for (const chunk of options.chunks) {
      for (const compression of options.compressions) {
        if (JSON.stringify(chunk) === JSON.stringify(original.chunks) && compression === own) {
          say(`--chunk ${chunk.join(",")} (${compression}) is the file's own layout: studied once, as the original`);
          continue;
        }
        usableCacheDir(options.cacheDir);
        say(`writing a copy of ${original.dataset} in chunks of ${chunk.join("x")} (${compression}) into ${options.cacheDir}`);
        const path = await rechunkH5({ ...original }, chunk, compression, options.cacheDir, signal);
        files.push({ layout: await inspectH5(path, "/images"), origin: "rechunked" });
      }
    }
    return files;
  }
  const shape = [options.samples, ...options.shape];
  usableCacheDir(options.cacheDir);
  checkTrace(trace, options.samples, "the synthetic dataset", options.trace);
  for (const chunk of options.chunks) checkChunk(chunk, shape, "the synthetic dataset");
  if (options.defaultChunks && options.samples < DEFAULT_CHUNK_SAMPLES) {
    say(
      `--samples ${options.samples} is fewer than the default chunk of ${DEFAULT_CHUNK_SAMPLES} samples: the synthetic chunked file uses chunks of ${options.samples}`,
    );
  }
  const files: { layout: H5Layout; origin: H5FileInfo["origin"] }[] = [];
  for (const chunk of options.chunks) {
    for (const compression of options.compressions) {
      const made = await ensureSyntheticH5(
        { count: options.samples, shape: options.shape, chunk, compression, seed: options.seed },
        options.cacheDir,
        signal,
        (path) =>
          say(`generating ${path} (${options.samples} samples in chunks of ${chunk.join("x")}, ${compression}); later runs reuse it`),
      );
      if (made.generated) say(`generated ${made.path}`);
      files.push({ layout: await inspectH5(made.path, made.dataset), origin: "synthetic" });
    }
  }
  return files;
}

function fileInfo(layout: H5Layout, origin: H5FileInfo["origin"], available: number | null): H5FileInfo {
  return {
    path: layout.path,
    dataset: layout.dataset,
    origin,
    shape: layout.shape,
    chunks: layout.chunks,
    compression: compressionLabel(layout),
    chunkCount: layout.chunkCount,
    chunkBytes: layout.chunkBytes,
    storedChunkBytes: storedChunkBytes(layout) ?? layout.fileBytes,
    fileBytes: layout.fileBytes,
    fitsInPageCache: available === null ? null : layout.fileBytes < available,
  };
}

/** `gpuprof h5`: chunk-hit studies. Library code: returns the results, never exits. */
/** The synthetic study's larger default chunk, in samples (the smaller is one sample). */
export const DEFAULT_CHUNK_SAMPLES = 100;

export async function h5Study(
  options: H5StudyOptions,
  hooks: H5Hooks,
): Promise<{ results: H5Results; outDir: string; analysis: AnalysisFile }> {
  // Everything that can be checked is checked before any file is written or read.
  if (options.file === null && options.dataset !== undefined)
    throw new UsageError(
      `--dataset ${options.dataset} names a dataset in FILE, but no FILE was given; give it (gpuprof h5 FILE --dataset ${options.dataset}) or drop --dataset`,
    );
  if (options.file !== null) refuseSpecialFile(options.file, "FILE", "give a regular HDF5 file (.h5, .hdf5)");
  const caches = cacheSettings(options.caches, options.slots, options.slotsGiven, options.w0);
  if (options.perReadOut) checkWritableFile(options.perReadOut, "--per-read-out", options.force);
  const trace = options.trace ? readTrace(options.trace) : null;
  const files = await studyFiles(options, trace, hooks.say, hooks.signal);
  hooks.say(`cache sizes per worker: ${options.caches.map(describeCacheChoice).join(", ")}`);
  const cores = usableCores().count;
  const most = Math.max(...options.workers);
  if (most > cores)
    hooks.say(
      `warning: --workers ${most} exceeds the ${cores} usable cores: workers will share cores, so live speeds understate what more cores would give`,
    );
  const startedAt = new Date();
  const outDir = claimRunDir({
    out: options.out,
    reportsDir: options.reportsDir,
    label: runDirLabel(startedAt, "h5"),
    force: options.force,
  });
  const runFiles = new RunFiles(outDir);
  const available = memAvailableBytes();
  const settings: StudySettings = {
    batch: options.batch,
    epochs: options.epochs,
    seed: options.seed,
    windowChunks: options.windowChunks,
    trace,
  };
  const accesses: StudyConfig["access"][] = trace ? ["trace"] : options.access;

  const configs: StudyConfig[] = [];
  const fileOf: number[] = [];
  files.forEach(({ layout }, fileIndex) => {
    for (const cache of caches)
      for (const access of accesses)
        for (const workers of options.workers) {
          configs.push({
            id: configs.length + 1,
            dataset: h5Dataset(layout, cache, `${layout.path}:${layout.dataset}`),
            cache,
            access,
            workers,
            index: layout.chunkIndex,
          });
          fileOf.push(fileIndex);
        }
  });

  const results: H5Results = {
    schemaVersion: H5_RESULTS_SCHEMA_VERSION,
    kind: "gpuprof.h5",
    tool: toolInfo(),
    startedAt: startedAt.toISOString(),
    finishedAt: null,
    interrupted: false,
    settings: {
      batch: options.batch,
      epochs: options.epochs,
      seed: options.seed,
      windowChunks: options.windowChunks,
      targetHitRate: options.targetHitRate,
      trace: options.trace,
    },
    files: files.map(({ layout, origin }) => fileInfo(layout, origin, available)),
    configs: [],
    smallestCache: [],
    notes: [],
  };
  files.forEach(({ layout }, i) => {
    if (storedSizesEstimated(layout))
      results.notes.push(
        `file ${i + 1} (${layout.path}): its chunk index could not be read (gpuprof reads the version 1 B-tree of h5py's default format, not the indexes of libver="latest" files or groups of many objects), so every compressed chunk is taken at ${storedChunkBytes(layout)} bytes, the file's size over its chunks: the model's bytes for this file are estimates`,
      );
  });
  if (options.epochs === 1) {
    // The hit rates shown are the last epoch's: with one epoch that is the cold first pass.
    results.notes.push(
      "--epochs 1: the only epoch is the first, cold one, so every hit rate here is a first-epoch hit rate; --epochs 2 or more shows what a cache keeps across epochs",
    );
  }
  if (results.files.some((f) => f.fitsInPageCache) && options.live) {
    results.notes.push(
      "files that fit in RAM are read from the page cache after their first read: live speeds are memory speeds, where big chunks and caches can cost more than they save (read amplification)",
    );
  }
  const sampler = new Sampler({
    intervalMs: options.intervalMs,
    rootPid: process.pid,
    nvidiaSmi: nvidiaSmiExecutable(options.env),
    env: options.env,
  });
  sampler.start();
  const perfOffset = performance.now() - sampler.nowMs();
  const perRead: string[] = ["config,worker,read,sample,bytes_fetched"];
  let analysis: AnalysisFile | undefined;
  try {
    for (const config of configs) {
      if (hooks.signal.aborted) break;
      let result: H5ConfigResult;
      try {
        result = await studyConfig(
          config,
          fileOf[config.id - 1]!,
          settings,
          options,
          sampler,
          perfOffset,
          options.perReadOut ? perRead : null,
          hooks.signal,
        );
      } catch (err) {
        // An unfinished configuration is not a result: the finished ones are saved below.
        if (err instanceof Interrupted) break;
        throw err;
      }
      results.configs.push(result);
      runFiles.writeJson("results.json", results);
      hooks.configDone(results.configs[results.configs.length - 1]!, results, configs.length);
    }
    const fileIds = new Map(files.map(({ layout }, i) => [layout.path, i]));
    for (const { layout } of files) {
      if (!results.configs.some((c) => c.file === fileIds.get(layout.path))) continue;
      for (const access of accesses) {
        for (const workers of options.workers) {
          const config = configs.find((c) => c.dataset.path === layout.path && c.access === access && c.workers === workers)!;
          results.smallestCache.push({
            file: fileIds.get(layout.path)!,
            access,
            workers,
            nbytes: smallestCacheFor(options.targetHitRate, config, settings),
          });
        }
      }
    }
  } finally {
    sampler.stop();
    results.interrupted = hooks.signal.aborted;
    results.finishedAt = new Date().toISOString();
    runFiles.writeJson("results.json", results);
    analysis = analyseH5(results);
    await writeReports(runFiles, options.reports, h5Renderers(results, analysis));
    if (options.perReadOut) writeFileSync(options.perReadOut, perRead.join("\n") + "\n");
  }
  return { results, outDir, analysis: analysis! };
}

async function studyConfig(
  config: StudyConfig,
  fileIndex: number,
  settings: StudySettings,
  options: H5StudyOptions,
  sampler: Sampler,
  perfOffset: number,
  perRead: string[] | null,
  signal: AbortSignal,
): Promise<H5ConfigResult> {
  const notes: string[] = [];
  const sim = simulateConfig(config, settings, perRead !== null);
  if (sim && perRead) {
    sim.perReadBytes!.forEach((reads, w) =>
      reads.forEach(([sample, bytes], i) => perRead.push(`${config.id},${w},${i},${sample},${bytes}`)),
    );
  }
  const simulated = sim
    ? {
        peakCacheBytes: sim.peakResidentBytes,
        epochs: sim.epochs.map((e) => ({
          ...e,
          hitRate: e.chunkReads > 0 ? Math.round((e.hits / e.chunkReads) * 10000) / 10000 : 0,
          readAmplification: Math.round((e.bytesFetched / e.bytesDelivered) * 1000) / 1000,
        })),
      }
    : null;
  if (!sim) notes.push(contiguousNote(config.dataset.sampleBytes));
  let live: H5ConfigResult["live"] = null;
  let error: string | null = null;
  if (options.live) {
    try {
      const startMs = performance.now() - perfOffset;
      const { reports, wallMs: spanMs } = await runLive(config, settings, signal);
      await sleep(options.intervalMs + 20);
      const endMs = startMs + spanMs;
      // Speeds count reading only: starting threads and loading h5wasm are not the loader's cost.
      const wallMs = Math.max(...reports.map((r) => r.elapsedMs.reduce((a, b) => a + b, 0)));
      const measured = reports.reduce((s, r) => s + r.measuredBytes.reduce((a, b) => a + b, 0), 0);
      const simulatedBytes = reports.reduce((s, r) => s + r.simulatedBytes.reduce((a, b) => a + b, 0), 0);
      const samples = samplesRead(config, settings);
      const difference = simulatedBytes > 0 ? measured / simulatedBytes - 1 : measured > 0 ? Infinity : 0;
      const agrees = Math.abs(difference) <= AGREEMENT;
      const window = sampler.samplesSoFar().filter((s) => s.tMs > startMs && s.tMs <= endMs);
      live = {
        wallS: Math.round(wallMs) / 1000,
        samplesPerS: Math.round((samples / wallMs) * 1000 * 10) / 10,
        deliveredMBPerS: Math.round(((samples * config.dataset.sampleBytes) / 1e6 / (wallMs / 1000)) * 10) / 10,
        measuredBytes: measured,
        storageBytes: reports.reduce((s, r) => s + r.storageBytes.reduce((a, b) => a + b, 0), 0),
        simulatedBytes,
        difference: Number.isFinite(difference) ? Math.round(difference * 10000) / 10000 : 1e9,
        agrees,
        telemetry: { ...summarizeTelemetry(window, []), durationS: Math.round(spanMs) / 1000 },
      };
      if (!agrees) notes.push(`measured bytes differ from the model's by ${(difference * 100).toFixed(1)}%: ${disagreementReason(config)}`);
    } catch (err) {
      if (err instanceof Interrupted) throw err;
      error = err instanceof Error ? err.message : String(err);
    }
  }
  return {
    id: config.id,
    file: fileIndex,
    cache: config.cache,
    access: config.access,
    workers: config.workers,
    simulated,
    live,
    notes,
    error,
  };
}

/** What HDF5 reads for a contiguous dataset: no chunk cache, but the sieve buffer. */
function contiguousNote(sampleBytes: number): string {
  return sampleBytes > SIEVE_BUFFER_BYTES
    ? "contiguous dataset: no chunks, so no chunk cache; samples are larger than HDF5's 64 KiB sieve buffer, so each read fetches just the sample"
    : `contiguous dataset: no chunks, so no chunk cache, but HDF5 reads it through its 64 KiB sieve buffer: a sample the buffer does not hold refills it with 64 KiB from that sample on (less at the dataset's end), so a random read of one ${sampleBytes}-byte sample fetches up to ${Math.floor(SIEVE_BUFFER_BYTES / sampleBytes)}x its size (modelled)`;
}

/** Why measured bytes can differ from the model's, most specific cause first. */
function disagreementReason(config: StudyConfig): string {
  const d = config.dataset;
  const chunkBytes = (d.chunkShape ?? []).reduce((a, b) => a * b, 1);
  if (wholeChunkReadFactor(d) !== null)
    return `these chunks (${chunkBytes} bytes) bypass a ${config.cache.nbytes}-byte cache, so h5py would read only each sample, but h5wasm's own HDF5 2.0 cache (${H5WASM_OWN_CACHE / 1024 ** 2} MiB) reads a chunk up to 8 MiB whole`;
  if (d.compressed && d.chunkShape && config.index === null)
    return "compressed chunks are modelled at an estimated size (the file's size over its chunks), as this file's chunk index could not be read";
  if (d.chunkShape && config.index === null)
    return "this file's chunk index could not be read, so the model leaves out HDF5's reads of its B-tree nodes (once per worker), which weigh most when chunks are small or few bytes are read";
  return d.chunkShape
    ? "HDF5 read bytes the model does not count: object headers, or chunk-index nodes dropped from its metadata cache and read again"
    : "the model counts sieve-buffer reads only; HDF5 also reads its own metadata (object headers) once per worker, which weighs most when few bytes are read";
}
