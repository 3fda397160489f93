import { Command, Option } from "commander";
import { UsageError } from "../util/errors.js";
import { DEFAULT_CHUNK_SAMPLES, h5Study } from "../commands/h5.js";
import { defaultCacheDir } from "../harness/dataset/synthetic.js";
import { ACCESS_ORDERS, type AccessOrder } from "../h5/access-order.js";
import { COMPRESSIONS, type Compression } from "../h5/synthetic-h5.js";
import { chalkFor } from "../report/colors.js";
import { h5ConfigLine, renderH5Results } from "../report/h5-text.js";
import type { CliIo } from "./shared.js";
import { wrapToWidth } from "../report/terminal-layout.js";
import { terminalWidth } from "../util/terminal-width.js";
import { parseCacheChoice, type CacheChoice } from "../h5/cache-choice.js";
import { interruptOnSignals } from "./interrupt.js";
import { EXIT } from "./exit-codes.js";
import { parseIntervalMs, reportFilesOption, type ReportFile } from "./option-values.js";
import { cacheSizeList, choiceList, chunkShape, fraction, int, intList, shape, slotList, unitInterval } from "./run-option-values.js";

interface H5CliOptions {
  format: ReportFile[];
  dataset?: string;
  chunk?: number[][];
  compression: Compression[];
  cache: CacheChoice[];
  slots: number[];
  w0: number;
  access: AccessOrder[];
  window: number;
  batch: number;
  epochs: number;
  workers: number[];
  samples: number;
  shape: number[];
  seed: number;
  target: number;
  live: boolean;
  trace?: string;
  perReadOut?: string;
  cacheDir?: string;
  interval: number;
  out?: string;
  force?: boolean;
  json?: boolean;
  verbose?: boolean;
}

export function addH5Command(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("h5")
    .description(
      "HDF5 chunk-hit studies: which chunk shape, chunk-cache size and access order to use, with measured and simulated hit rates",
    )
    .argument("[file]", "your HDF5 file (default: synthetic CelebA-like files, one per chunk shape and compression)")
    .option("--dataset <name>", "the dataset in FILE (default: its only uint8 dataset of samples)")
    .option(
      "--chunk <shape>",
      "a chunk shape to study, repeatable (default for synthetic files: 1,3,218,178 and 100,3,218,178); with FILE, a rechunked copy is written",
      chunkShape,
    )
    .addOption(
      new Option("--compression <list>", `chunk compression of synthetic or rechunked files: ${COMPRESSIONS.join(", ")}`)
        .argParser(choiceList(COMPRESSIONS))
        .default(["none"], "none"),
    )
    .addOption(
      new Option(
        "--cache <list>",
        "chunk-cache sizes per worker (rdcc_nbytes): KiB/MiB/GiB or KB/MB/GB, or HDF5's defaults by name, size and slots together: hdf5-1 (1 MiB, 521 slots), hdf5-2 (8 MiB, 8191 slots)",
      )
        .argParser(cacheSizeList)
        .default([parseCacheChoice("1MiB")!, parseCacheChoice("64MiB")!], "1MiB,64MiB"),
    )
    .addOption(
      new Option("--slots <list>", "hash slots (rdcc_nslots) for each --cache size: numbers, or hdf5-1 (521), hdf5-2 (8191)")
        .argParser(slotList)
        .default([521], "521"),
    )
    .option("--w0 <x>", "preemption weight (rdcc_w0), 0 to 1", unitInterval, 0.75)
    .addOption(
      new Option("--access <list>", `access orders: ${ACCESS_ORDERS.join(", ")}`)
        .argParser(choiceList(ACCESS_ORDERS))
        .default(["random", "chunk-shuffle"], "random,chunk-shuffle"),
    )
    .option("--window <chunks>", "chunk-shuffle: chunks whose samples are shuffled together", int(1, "--window 4"), 4)
    .option("--batch <n>", "samples per batch (workers take whole batches in turn)", int(1, "--batch 64"), 64)
    .option("--epochs <n>", "epochs per configuration", int(1, "--epochs 2"), 2)
    .addOption(
      new Option("--workers <list>", "DataLoader workers, each with its own file handle and cache")
        .argParser(intList(1, "--workers 1,4"))
        .default([1], "1"),
    )
    .option("--samples <n>", "synthetic files: samples", int(1, "--samples 1000"), 1000)
    .addOption(new Option("--shape <c,h,w>", "synthetic files: sample shape").argParser(shape).default([3, 218, 178], "3,218,178"))
    .option("--seed <n>", "seed for shuffles and synthetic data", int(0, "--seed 0"), 0)
    .addOption(
      new Option("--target <share>", "hit rate the smallest-cache search aims for").argParser(fraction("--target 90%")).default(0.9, "90%"),
    )
    .option("--no-live", "simulate only: skip reading the files")
    .option("--trace <file>", "replay this exact sample order (JSON array or one index per line) instead of --access")
    .option("--per-read-out <file>", "write, for every sample read, the bytes the cache fetched (0 on a hit), as CSV")
    .option("--cache-dir <dir>", "where synthetic and rechunked files are kept (default: $GPUPROF_CACHE_DIR or ~/.cache/gpuprof)")
    .option("--interval <ms>", "telemetry sampling interval in milliseconds", parseIntervalMs, 100)
    .option("--out <dir>", "folder for the results (default: reports/<timestamp>-h5/)")
    .option("--force", "allow writing into a non-empty --out folder")
    .addOption(reportFilesOption())
    .option("--json", "print results.json on stdout instead of the table")
    .option("--verbose", "also print the files, the smallest caches and the notes (report.html has them too)")
    .action(async (file: string | undefined, opts: H5CliOptions, command: Command) => {
      const stderrChalk = chalkFor(io.stderr, io.env);
      const width = terminalWidth(io.stderr, io.env);
      const say = (line: string): void => void io.stderr.write(wrapToWidth(stderrChalk.dim(`gpuprof: ${line}`), width) + "\n");
      if (file !== undefined && opts.chunk === undefined && command.getOptionValueSource("compression") === "cli") {
        throw new UsageError(
          "--compression makes rechunked copies of FILE: add --chunk with the shape to copy to (the file's own chunk shape is fine), e.g. --chunk 100,3,218,178",
        );
      }
      const interrupt = interruptOnSignals(say, "saving the finished configurations");
      try {
        const { results, outDir, analysis } = await h5Study(
          {
            file: file ?? null,
            dataset: opts.dataset,
            chunks:
              opts.chunk ??
              (file
                ? []
                : [
                    [1, ...opts.shape],
                    [Math.min(DEFAULT_CHUNK_SAMPLES, opts.samples), ...opts.shape],
                  ]),
            defaultChunks: opts.chunk === undefined,
            compressions: opts.compression,
            caches: opts.cache,
            slots: opts.slots,
            slotsGiven: command.getOptionValueSource("slots") === "cli",
            w0: opts.w0,
            access: opts.access,
            batch: opts.batch,
            epochs: opts.epochs,
            workers: opts.workers,
            samples: opts.samples,
            shape: opts.shape,
            seed: opts.seed,
            windowChunks: opts.window,
            targetHitRate: opts.target,
            live: opts.live,
            trace: opts.trace ?? null,
            perReadOut: opts.perReadOut ?? null,
            intervalMs: opts.interval,
            out: opts.out,
            force: opts.force === true,
            reports: opts.format,
            reportsDir: "reports",
            cacheDir: opts.cacheDir ?? defaultCacheDir(io.env),
            env: io.env,
          },
          {
            say,
            signal: interrupt.signal,
            configDone: (result, soFar, total) =>
              void io.stderr.write(wrapToWidth(`${h5ConfigLine(soFar, result)} (${result.id}/${total})`, width) + "\n"),
          },
        );
        if (opts.json) {
          io.stdout.write(JSON.stringify(results, null, 2) + "\n");
          say(`saved ${outDir}/`);
        } else
          io.stdout.write(
            renderH5Results(results, outDir, io.cwd, chalkFor(io.stdout, io.env), analysis, {
              width: terminalWidth(io.stdout, io.env),
              verbose: opts.verbose === true,
            }),
          );
        setExit(results.interrupted ? EXIT.interrupted : EXIT.ok);
      } finally {
        interrupt.dispose();
      }
    });
}
