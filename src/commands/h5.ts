import { readFileSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { parseMeminfo } from "../telemetry/meminfo.js";
import { Sampler } from "../telemetry/sampler.js";
import { summarizeTelemetry } from "../telemetry/summary.js";
import { nvidiaSmiExecutable } from "../telemetry/nvidia-smi/failures.js";
import { claimRunDir, runDirLabel } from "../store/run-dir.js";
import { RunFiles } from "../store/run-files.js";
import { H5_RESULTS_SCHEMA_VERSION, type H5ConfigResult, type H5FileInfo, type H5Results } from "../store/h5-results-schema.js";
import { UsageError } from "../util/errors.js";
import { toolInfo } from "../util/tool-version.js";
import { formatSize } from "../util/sizes.js";
import { detectH5 } from "../analysis/detectors/h5.js";
import { renderH5Markdown } from "../report/h5-markdown.js";
import { renderH5Html, writeH5Pngs } from "../report/h5-report.js";
import { usableCores } from "../telemetry/usable-cores.js";
import type { AccessOrder } from "../h5/access-order.js";
import { h5Dataset, inspectH5, storedChunkBytes, type H5Layout } from "../h5/h5-file.js";
import { runLive, simulateConfig, smallestCacheFor, type StudyConfig, type StudySettings } from "../h5/study.js";
import { ensureSyntheticH5, rechunkH5, type Compression } from "../h5/synthetic-h5.js";

export interface H5StudyOptions {
  file: string | null;
  dataset?: string;
  chunks: number[][];
  compressions: Compression[];
  cacheSizes: number[];
  slots: number[];
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
/** h5wasm's HDF5 2.0 keeps its own 8 MiB chunk cache within one read: chunks up to this size are read whole. */
const H5WASM_OWN_CACHE = 8 * 1024 * 1024;

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

function readTrace(path: string): number[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`--trace ${path}: cannot read the file; give a JSON array of sample indices or one index per line`);
  }
  const trimmed = text.trim();
  const values: unknown[] = trimmed.startsWith("[") ? (JSON.parse(trimmed) as unknown[]) : trimmed.split(/\s+/).map(Number);
  if (!Array.isArray(values) || values.some((v) => typeof v !== "number" || !Number.isInteger(v) || v < 0)) {
    throw new UsageError(`--trace ${path}: expected sample indices (whole numbers of 0 or more), as a JSON array or one per line`);
  }
  return values as number[];
}

/** The files to study: synthetic ones for every chunk shape and compression, or the user's file and its rechunked copies. */
async function studyFiles(
  options: H5StudyOptions,
  say: (line: string) => void,
  signal: AbortSignal,
): Promise<{ layout: H5Layout; origin: H5FileInfo["origin"] }[]> {
  if (options.file !== null) {
    const original = await inspectH5(options.file, options.dataset);
    const files: { layout: H5Layout; origin: H5FileInfo["origin"] }[] = [{ layout: original, origin: "user" }];
    for (const chunk of options.chunks) {
      checkChunk(chunk, original.shape, `the dataset ${original.dataset}`);
      for (const compression of options.compressions) {
        if (JSON.stringify(chunk) === JSON.stringify(original.chunks) && (compression === "none") === !original.compressed) {
          say(`--chunk ${chunk.join(",")} (${compression}) is the file's own layout: studied once, as the original`);
          continue;
        }
        say(`writing a copy of ${original.dataset} in chunks of ${chunk.join("x")} (${compression}) into ${options.cacheDir}`);
        const path = await rechunkH5({ ...original }, chunk, compression, options.cacheDir);
        files.push({ layout: await inspectH5(path, "/images"), origin: "rechunked" });
      }
    }
    return files;
  }
  const shape = [options.samples, ...options.shape];
  for (const chunk of options.chunks) checkChunk(chunk, shape, "the synthetic dataset");
  const files: { layout: H5Layout; origin: H5FileInfo["origin"] }[] = [];
  for (const chunk of options.chunks) {
    for (const compression of options.compressions) {
      const made = await ensureSyntheticH5(
        { count: options.samples, shape: options.shape, chunk, compression, seed: options.seed },
        options.cacheDir,
        signal,
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
    compression: layout.filters.map((f) => f.name).join("+") || "none",
    chunkCount: layout.chunkCount,
    chunkBytes: layout.chunkBytes,
    storedChunkBytes: storedChunkBytes(layout) ?? layout.fileBytes,
    fileBytes: layout.fileBytes,
    fitsInPageCache: available === null ? null : layout.fileBytes < available,
  };
}

/** `gpuprof h5`: chunk-hit studies. Library code: returns the results, never exits. */
export async function h5Study(options: H5StudyOptions, hooks: H5Hooks): Promise<{ results: H5Results; outDir: string }> {
  const trace = options.trace ? readTrace(options.trace) : null;
  const files = await studyFiles(options, hooks.say, hooks.signal);
  if (trace) {
    for (const { layout } of files) {
      const beyond = trace.find((i) => i >= layout.shape[0]!);
      if (beyond !== undefined)
        throw new UsageError(`--trace holds index ${beyond}, but ${layout.dataset} has ${layout.shape[0]} samples; check the trace's file`);
    }
  }
  hooks.say(`cache sizes per worker: ${options.cacheSizes.map((b) => `${formatSize(b)} (${b.toLocaleString("en-US")} bytes)`).join(", ")}`);
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
    for (const nbytes of options.cacheSizes)
      for (const nslots of options.slots)
        for (const access of accesses)
          for (const workers of options.workers) {
            const cache = { nbytes, nslots, w0: options.w0 };
            configs.push({
              id: configs.length + 1,
              dataset: h5Dataset(layout, cache, `${layout.path}:${layout.dataset}`),
              cache,
              access,
              workers,
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
  try {
    for (const config of configs) {
      if (hooks.signal.aborted) break;
      results.configs.push(
        await studyConfig(config, fileOf[config.id - 1]!, settings, options, sampler, perfOffset, options.perReadOut ? perRead : null),
      );
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
    const verdict = detectH5(results);
    const pngs = options.reports.includes("png") ? await writeH5Pngs(runFiles, results, verdict) : [];
    if (options.reports.includes("html")) runFiles.writeText("report.html", renderH5Html(results, verdict));
    if (options.reports.includes("md")) runFiles.writeText("summary.md", renderH5Markdown(results, verdict, pngs));
    if (options.reports.includes("json")) runFiles.writeJson("analysis.json", { findings: [verdict] });
    if (options.perReadOut) writeFileSync(options.perReadOut, perRead.join("\n") + "\n");
  }
  return { results, outDir };
}

async function studyConfig(
  config: StudyConfig,
  fileIndex: number,
  settings: StudySettings,
  options: H5StudyOptions,
  sampler: Sampler,
  perfOffset: number,
  perRead: string[] | null,
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
  if (!sim) notes.push("contiguous dataset: no chunks, so no chunk cache; every read fetches just the sample");
  let live: H5ConfigResult["live"] = null;
  let error: string | null = null;
  if (options.live) {
    try {
      const startMs = performance.now() - perfOffset;
      const { reports, wallMs: spanMs } = await runLive(config, settings);
      await sleep(options.intervalMs + 20);
      const endMs = startMs + spanMs;
      // Speeds count reading only: starting threads and loading h5wasm are not the loader's cost.
      const wallMs = Math.max(...reports.map((r) => r.elapsedMs.reduce((a, b) => a + b, 0)));
      const measured = reports.reduce((s, r) => s + r.measuredBytes.reduce((a, b) => a + b, 0), 0);
      const simulatedBytes = reports.reduce((s, r) => s + r.simulatedBytes.reduce((a, b) => a + b, 0), 0);
      const samples = settings.trace ? settings.trace.length : config.dataset.count * settings.epochs;
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
      if (!agrees) {
        const chunkBytes = (config.dataset.chunkShape ?? []).reduce((a, b) => a * b, 1);
        const reason =
          config.dataset.chunkShape && !config.dataset.compressed && chunkBytes > config.cache.nbytes && chunkBytes <= H5WASM_OWN_CACHE
            ? `: these chunks (${chunkBytes} bytes) bypass a ${config.cache.nbytes}-byte cache, so h5py would read only each sample, but h5wasm's own HDF5 2.0 cache (8 MiB) reads a chunk up to 8 MiB whole`
            : config.dataset.compressed
              ? ": compressed chunks are modelled at the file's average stored size; h5wasm does not tell each chunk's size"
              : ": the model counts chunk data only; HDF5's own metadata reads (object headers, the chunk index) are not in it, and they weigh most when chunks or samples are small";
        notes.push(`measured bytes differ from the model's by ${(difference * 100).toFixed(1)}%${reason}`);
      }
    } catch (err) {
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
