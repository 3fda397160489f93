import { Command, CommanderError, Option } from "commander";
import { run } from "../commands/run.js";
import { loadRunResults, report, REPORT_FORMATS, type ReportFormat } from "../commands/report.js";
import { compareRuns, nothingComparedReason } from "../analysis/compare.js";
import { renderComparison } from "../report/compare-text.js";
import { DTYPES, TRANSPORTS, type Dtype, type Transport } from "../store/trial-axes.js";
import { SYNTHETIC_FORMATS, defaultCacheDir, type SyntheticFormat } from "../harness/dataset/synthetic.js";
import type { SampleOrder } from "../harness/index-order.js";
import { DATA_LAYOUTS, type DataLayout } from "../harness/dataset/open-user-data.js";
import { MAX_WORKERS } from "../harness/plan.js";
import { presetStepModel, STEP_PRESETS } from "../harness/step-presets.js";
import { renderDryRun, renderRunTerminal } from "../report/run-text.js";
import { renderAnalysis } from "../report/analysis-text.js";
import { sweepProgress } from "../report/run-progress.js";
import { usableCores } from "../telemetry/usable-cores.js";
import {
  cacheChoice,
  cacheSizeList,
  choice,
  booleanList,
  choiceList,
  factorySpec,
  chunkShape,
  fraction,
  int,
  intList,
  positiveNumber,
  shape,
  slotList,
  unitInterval,
} from "./run-option-values.js";
import { addH5Command } from "./h5-command.js";
import { cacheSettings, parseCacheChoice, type CacheChoice } from "../h5/cache-choice.js";
import { CONSUMER_KINDS, type ConsumerRequest } from "../commands/run-consumer.js";
import { LOADER_REQUESTS, type LoaderRequest } from "../torch/choose-loader.js";
import { info } from "../commands/info.js";
import { watch } from "../commands/watch.js";
import { chalkFor } from "../report/colors.js";
import { renderInfo } from "../report/info-text.js";
import { renderWatchTerminal } from "../report/watch-text.js";
import { liveLineWanted, liveStatus } from "../report/watch-live.js";
import { wrapToWidth } from "../report/terminal-layout.js";
import { terminalWidth } from "../util/terminal-width.js";
import { UsageError } from "../util/errors.js";
import { toolVersion } from "../util/tool-version.js";
import { exitOnSignals, interruptOnSignals } from "./interrupt.js";
import { EXIT, failureOf } from "./exit-codes.js";
import { renderH5Verdict } from "../report/h5-text.js";
import { auTargetOption, parseIntervalMs, reportFilesOption, type ReportFile } from "./option-values.js";
import type { CliIo } from "./shared.js";

/** Commander's "error: unknown option '--x'\n(Did you mean --y?)" as one line with the way to help. */
function commanderLine(err: CommanderError, command: string): string {
  const text = err.message
    .replace(/^error:\s*/i, "")
    .replace(/\s*\n\s*/g, " ")
    .trim()
    // "...got 1." would read ".;" before the hint that follows.
    .replace(/\.$/, "");
  return `${text}; run 'gpuprof${command ? ` ${command}` : ""} --help' for usage`;
}

interface WatchCliOptions {
  interval: number;
  out?: string;
  force?: boolean;
  json?: boolean;
  /** false with --no-live. */
  live: boolean;
  verbose?: boolean;
  format: ReportFile[];
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command();
  program
    .name("gpuprof")
    .description("Find out why your GPU waits for data, and which data-loader knob to turn.")
    .version(toolVersion())
    .option("--debug", "show stack traces for errors")
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => undefined,
    });

  program
    .command("info")
    .description("show this machine's CPU, memory, disks and GPUs, and the limits a loader tuning starts from")
    .option("--json", "print JSON instead of text")
    .action(async (opts: { json?: boolean }) => {
      const result = await info(io.env);
      io.stdout.write(opts.json ? JSON.stringify(result, null, 2) + "\n" : renderInfo(result, chalkFor(io.stdout, io.env)));
      setExit(0);
    });

  program
    .command("watch")
    .description("run your training command and sample GPU, CPU and I/O for its whole life")
    .usage("[options] -- <command> [args...]")
    .argument("<command...>", "the command to run, e.g. python train.py --epochs 1")
    .option("--interval <ms>", "sampling interval in milliseconds", parseIntervalMs, 100)
    .option("--out <dir>", "folder for the results (default: reports/<timestamp>-<command>/)")
    .option("--force", "allow writing into a non-empty --out folder")
    .addOption(reportFilesOption("summary.json"))
    .option("--json", "print the summary as JSON on stdout (the command's own stdout goes to stderr)")
    .option("--no-live", "no live status line on stderr while the command runs (shown only when stderr is a terminal)")
    .option("--verbose", "also print what to change (summary.md and report.html have it too)")
    .passThroughOptions()
    .action(async (command: string[], opts: WatchCliOptions) => {
      const stderrChalk = chalkFor(io.stderr, io.env);
      const width = terminalWidth(io.stderr, io.env);
      // The live line and gpuprof's own lines share stderr: a line of gpuprof's clears the live line first.
      const live = liveLineWanted(io.stderr, opts.live, io.env) ? liveStatus(io.stderr) : undefined;
      const say = (line: string): void => {
        const text = wrapToWidth(stderrChalk.dim(`gpuprof: ${line}`), width);
        if (live) live.log(text);
        else io.stderr.write(text + "\n");
      };
      const result = await watch(
        {
          command,
          intervalMs: opts.interval,
          out: opts.out,
          force: opts.force === true,
          json: opts.json === true,
          reports: opts.format,
          reportsDir: "reports",
          env: io.env,
        },
        { say, live },
      );
      if (opts.json) {
        io.stdout.write(JSON.stringify(result, null, 2) + "\n");
        io.stderr.write(stderrChalk.dim(`gpuprof: saved ${result.outDir}/`) + "\n");
      } else io.stderr.write(renderWatchTerminal(result, stderrChalk, io.cwd, { width, verbose: opts.verbose === true }));
      setExit(result.exitCode);
    });

  addRunCommand(program, io, setExit);
  addH5Command(program, io, setExit);
  program
    .command("report")
    .description("re-analyse saved run or h5 results offline: diagnosis, advice, and the report files")
    .argument("<results>", "a folder gpuprof run or gpuprof h5 wrote (reports/<timestamp>-run) or its results.json")
    .addOption(
      new Option("--format <list>", `what to produce: ${REPORT_FORMATS.join(", ")} (md and json are written with --out, or printed)`)
        .argParser(choiceList(REPORT_FORMATS))
        .default(["terminal"], "terminal; with --out, all of them"),
    )
    .addOption(auTargetOption())
    .option(
      "--out <dir>",
      "write the report files into this folder (a new or empty one): html, png, md and json unless --format says otherwise",
    )
    .option("--force", "allow writing into a non-empty --out folder")
    .action(async (source: string, opts: { format: ReportFormat[]; out?: string; force?: boolean; auTarget: number }, command: Command) => {
      const formatGiven = command.getOptionValueSource("format") === "cli";
      // --out asks for files: without --format it writes every file format, and the terminal verdict still prints.
      const formats: ReportFormat[] = opts.out !== undefined && !formatGiven ? [...REPORT_FORMATS] : opts.format;
      if (opts.out === undefined && (formats.includes("html") || formats.includes("png"))) {
        throw new UsageError("--format html and png write files: add --out DIR (a new or empty folder)");
      }
      if (opts.out !== undefined && formats.every((f) => f === "terminal")) {
        throw new UsageError(
          `--format terminal writes no files, so --out ${opts.out} would stay empty; leave out --format to write every report file, or name the files, e.g. --format terminal,html,md`,
        );
      }
      const say = (line: string): void => void io.stderr.write(`gpuprof: ${line}\n`);
      const outcome = await report({
        source,
        formats,
        out: opts.out,
        force: opts.force === true,
        auTarget: opts.auTarget,
        say,
      });
      const chalk = chalkFor(io.stdout, io.env);
      const json = outcome.analysis;
      if (formats.includes("terminal")) {
        const text = outcome.kind === "run" ? renderAnalysis(outcome.analysis, chalk) : renderH5Verdict(outcome.analysis, chalk);
        io.stdout.write(wrapToWidth(text, terminalWidth(io.stdout, io.env)));
      }
      if (opts.out === undefined && formats.includes("md")) io.stdout.write(outcome.markdown + "\n");
      if (opts.out === undefined && formats.includes("json")) io.stdout.write(JSON.stringify(json, null, 2) + "\n");
      for (const file of outcome.written) say(`wrote ${file}`);
      setExit(0);
    });
  program
    .command("compare")
    .description("compare two saved runs trial by trial; exit 1 when a configuration got slower than --max-regression (a CI gate)")
    .argument("<base>", "the earlier run: a run folder or its results.json")
    .argument("<head>", "the later run")
    .addOption(
      new Option("--max-regression <share>", "largest tolerated loss of samples/s per configuration")
        .argParser(fraction("--max-regression 5%"))
        .default(0.05, "5%"),
    )
    .addOption(
      new Option(
        "--format <list>",
        "md (a table for terminals and pull requests) and/or json (stdout holds the JSON alone; md then goes to stderr)",
      )
        .argParser(choiceList(["md", "json"] as const))
        .default(["md"], "md"),
    )
    .action((basePath: string, headPath: string, opts: { maxRegression: number; format: ("md" | "json")[] }) => {
      const base = loadRunResults(basePath).results;
      const head = loadRunResults(headPath).results;
      const comparison = compareRuns(base, head, opts.maxRegression);
      // JSON on stdout must parse on its own, so a pipe to jq works with md,json too.
      const json = opts.format.includes("json");
      if (opts.format.includes("md")) (json ? io.stderr : io.stdout).write(renderComparison(comparison));
      if (json) io.stdout.write(JSON.stringify(comparison, null, 2) + "\n");
      if (!comparison.comparable) io.stderr.write(`gpuprof: ${nothingComparedReason(base, head)}\n`);
      setExit(comparison.regressions > 0 || !comparison.comparable ? 1 : 0);
    });
  return program;
}

interface RunCliOptions {
  loader: LoaderRequest[];
  python?: string;
  pinMemory: boolean[];
  datasetFactory?: { file: string; function: string };
  decoder: "pil" | "torchvision";
  workers?: number[];
  dtype: Dtype[];
  transport: Transport[];
  echo: number[];
  echoSplit: number;
  batch: number;
  prefetch: number;
  dropLast?: boolean;
  order: SampleOrder;
  seed: number;
  data?: string;
  layout: DataLayout;
  dataset?: string;
  cache: CacheChoice;
  slots: number;
  w0: number;
  synthetic: SyntheticFormat;
  format: ReportFile[];
  samples: number;
  shape: number[];
  cacheDir?: string;
  cold?: boolean;
  step: string;
  stepMs?: number;
  h2dGbps: number;
  consumer: ConsumerRequest;
  device?: number;
  auTarget: number;
  warmup: number;
  duration: number;
  steps?: number;
  repeat: number;
  baseline?: boolean;
  dryRun?: boolean;
  interval: number;
  out?: string;
  force?: boolean;
  json?: boolean;
  verbose?: boolean;
}

function addRunCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const presets = Object.keys(STEP_PRESETS);
  program
    .command("run")
    .description("sweep data-loader configurations (workers, dtype, transport, echo) and show which one feeds the GPU best")
    .addOption(
      new Option(
        "--loader <list>",
        "who makes the batches: torch (your PyTorch DataLoader, in --python), harness (gpuprof's own loader: this machine's ceiling), both side by side (harness,torch), or auto: torch when the Python imports torch",
      )
        .argParser(choiceList(LOADER_REQUESTS))
        .default(["auto"] as LoaderRequest[], "auto"),
    )
    .option("--python <path>", "the Python that runs the torch loader (default: $GPUPROF_PYTHON, else python3 on PATH)")
    .addOption(
      new Option("--pin-memory <list>", "torch loader: DataLoader(pin_memory=...) values to try: false, true or false,true")
        .argParser(booleanList)
        .default([false], "false"),
    )
    .addOption(
      new Option(
        "--dataset-factory <file.py:function>",
        "torch loader: your own Dataset; the function returns a torch Dataset, or (Dataset, collate_fn)",
      ).argParser(factorySpec),
    )
    .option(
      "--decoder <decoder>",
      "torch loader, image folders: pil (as torchvision's ImageFolder) or torchvision (torchvision.io, when installed)",
      choice(["pil", "torchvision"] as const),
      "pil" as "pil" | "torchvision",
    )
    .option(
      "--workers <list>",
      `prefetch worker threads to try, at most ${MAX_WORKERS}; 0 loads on the training thread (default: 0, 1 and the usable cores)`,
      intList(0, "--workers 0,2,4", {
        value: MAX_WORKERS,
        why: "each worker is a thread with its own memory, and past a few per core they only compete",
      }),
    )
    .addOption(
      new Option("--dtype <list>", `transfer dtypes to try: ${DTYPES.join(", ")}`)
        .argParser(choiceList(DTYPES))
        .default(["uint8", "float32"] as Dtype[], "uint8,float32"),
    )
    .addOption(
      new Option("--transport <list>", `how batches reach the consumer: ${TRANSPORTS.join(", ")}`)
        .argParser(choiceList(TRANSPORTS))
        .default(["transfer"] as Transport[], "transfer"),
    )
    .addOption(
      new Option("--echo <list>", "batch echo factors to try: each loaded batch is used e times")
        .argParser(intList(1, "--echo 1,2,4"))
        .default([1], "1"),
    )
    .option(
      "--echo-split <k>",
      "split each batch into k sub-batches, one step each, after every (re)shuffle: 512 -> two 256s is --echo-split 2",
      int(1, "--echo-split 2"),
      1,
    )
    .option("--batch <n>", "samples per batch", int(1, "--batch 64"), 64)
    .option("--prefetch <n>", "batches in flight per worker (PyTorch prefetch_factor)", int(1, "--prefetch 2"), 2)
    .option("--drop-last", "drop the last incomplete batch of each epoch")
    .option(
      "--order <order>",
      "sample order: shuffle (reshuffled every epoch) or sequential",
      choice(["shuffle", "sequential"] as const),
      "shuffle" as SampleOrder,
    )
    .option("--seed <n>", "seed for shuffling and synthetic data", int(0, "--seed 0"), 0)
    .option(
      "--data <path>",
      "your data: a uint8 .npy array (N x C x H x W), an HDF5 file (.h5, .hdf5), or a folder of JPEG/PNG/WebP images (default: synthetic CelebA-like images)",
    )
    .option(
      "--layout <layout>",
      "a .npy array's layout: nchw (N x C x H x W) or nhwc (N x H x W x C, each sample transposed to C x H x W as it is read)",
      choice(DATA_LAYOUTS),
      "nchw" as DataLayout,
    )
    .option("--dataset <name>", "HDF5: the dataset to read (default: the file's only uint8 dataset of samples)")
    .addOption(
      new Option(
        "--cache <size>",
        "HDF5: each worker's chunk cache, h5py's rdcc_nbytes (KiB/MiB/GiB or KB/MB/GB), or hdf5-1 / hdf5-2: HDF5's default size and slots",
      )
        .argParser(cacheChoice)
        .default(parseCacheChoice("1MiB")!, "1MiB, HDF5 1.x"),
    )
    .option(
      "--slots <n>",
      "HDF5: chunk-cache hash slots, h5py's rdcc_nslots (a prime about 100x the chunks that fit)",
      int(1, "--slots 100003"),
      521,
    )
    .option("--w0 <x>", "HDF5: preemption weight, h5py's rdcc_w0, from 0 to 1", unitInterval, 0.75)
    .option(
      "--synthetic <format>",
      `synthetic dataset format: ${SYNTHETIC_FORMATS.join(", ")}`,
      choice(SYNTHETIC_FORMATS),
      "npy" as SyntheticFormat,
    )
    .option("--samples <n>", "synthetic dataset size in samples", int(1, "--samples 2048"), 2048)
    .addOption(new Option("--shape <c,h,w>", "synthetic sample shape").argParser(shape).default([3, 218, 178], "3,218,178"))
    .option("--cache-dir <dir>", "where synthetic datasets are kept (default: $GPUPROF_CACHE_DIR or ~/.cache/gpuprof)")
    .option("--cold", "drop the dataset from the page cache before each trial, so reads come from storage")
    .option(
      "--step <preset>",
      `modelled device step per sample, from a published workload: ${presets.join(", ")}`,
      choice(presets),
      "resnet50-h100",
    )
    .addOption(
      new Option("--step-ms <ms>", "modelled device step per full batch in milliseconds, instead of --step")
        .argParser(positiveNumber("--step-ms 35", true))
        // Either sets the step: taking one silently over the other would model a step the user did not ask for.
        .conflicts("step"),
    )
    .option("--h2d-gbps <GB/s>", "sim consumer: modelled host-to-device copy speed", positiveNumber("--h2d-gbps 25"), 25)
    .option(
      "--consumer <kind>",
      "the training step's stand-in: webgpu drives a real GPU (needs npm install webgpu), sim models it, auto picks webgpu when a real GPU adapter works",
      choice(CONSUMER_KINDS),
      "auto" as ConsumerRequest,
    )
    .option("--device <n>", "webgpu: which WebGPU adapter to drive (a wrong number lists them)", int(0, "--device 0"))
    .addOption(auTargetOption())
    .option("--warmup <steps>", "steps excluded at the start of each trial", int(0, "--warmup 5"), 5)
    .option("--duration <s>", "measured seconds per trial", positiveNumber("--duration 3"), 3)
    .addOption(
      new Option("--steps <n>", "measure this many steps per trial instead of --duration")
        .argParser(int(1, "--steps 200"))
        .conflicts("duration"),
    )
    .option("--repeat <n>", "run every configuration n times, for variance", int(1, "--repeat 3"), 1)
    .option("--baseline", "also run trials whose workers skip reading and transforms: the harness's own ceiling")
    .option("--dry-run", "print the plan and its estimated time, run nothing")
    .addOption(reportFilesOption())
    .option("--interval <ms>", "telemetry sampling interval in milliseconds", parseIntervalMs, 100)
    .option("--out <dir>", "folder for the results (default: reports/<timestamp>-run/)")
    .option("--force", "allow writing into a non-empty --out folder")
    .option("--json", "print results.json on stdout instead of the table")
    .option("--verbose", "also print every finding in full, the per-lever comparisons and the notes (report.html has them too)")
    .action(async (opts: RunCliOptions, command: Command) => {
      const stderrChalk = chalkFor(io.stderr, io.env);
      const progress = sweepProgress(io.stderr, stderrChalk, terminalWidth(io.stderr, io.env));
      const say = (line: string): void => progress.log(stderrChalk.dim(`gpuprof: ${line}`));
      const cores = usableCores().count;
      const interrupt = interruptOnSignals(say, "terminating workers and saving the finished trials");
      try {
        const outcome = await run(
          {
            axes: {
              pinMemory: opts.pinMemory,
              workers: opts.workers ?? [...new Set([0, 1, cores])],
              dtypes: opts.datasetFactory ? [] : opts.dtype,
              transports: opts.transport,
              echoes: opts.echo,
              echoSplit: opts.echoSplit,
              baseline: opts.baseline === true,
              repeat: opts.repeat,
            },
            settings: {
              batch: opts.batch,
              prefetch: opts.prefetch,
              dropLast: opts.dropLast === true,
              order: opts.order,
              seed: opts.seed,
              cold: opts.cold === true,
              warmupSteps: opts.warmup,
              durationS: opts.steps !== undefined ? null : opts.duration,
              steps: opts.steps ?? null,
            },
            dataset: {
              data: opts.data ?? null,
              synthetic: { format: opts.synthetic, count: opts.samples, shape: opts.shape, seed: opts.seed },
              cacheDir: opts.cacheDir ?? defaultCacheDir(io.env),
              layout: opts.layout,
              h5: {
                dataset: opts.dataset,
                cache: cacheSettings([opts.cache], [opts.slots], command.getOptionValueSource("slots") === "cli", opts.w0)[0]!,
                given: ["dataset", "cache", "slots", "w0"].filter((k) => command.getOptionValueSource(k) === "cli").map((k) => `--${k}`),
              },
            },
            loader: {
              requested: opts.loader,
              python: opts.python,
              factory: opts.datasetFactory ?? null,
              decoder: opts.decoder,
              datasetFlags: ["dtype", "synthetic", "samples", "shape", "layout", "dataset", "cache", "slots", "w0"]
                .filter((k) => command.getOptionValueSource(k) === "cli")
                .map((k) => `--${k}`),
            },
            stepModel:
              opts.stepMs !== undefined ? { kind: "fixed", msPerBatch: opts.stepMs, batch: opts.batch } : presetStepModel(opts.step)!,
            h2dGBPerS: opts.h2dGbps,
            h2dGiven: command.getOptionValueSource("h2dGbps") === "cli",
            consumer: opts.consumer,
            device: opts.device ?? null,
            auTarget: opts.auTarget,
            dryRun: opts.dryRun === true,
            reports: opts.format,
            intervalMs: opts.interval,
            out: opts.out,
            force: opts.force === true,
            reportsDir: "reports",
            verbose: opts.verbose === true,
            env: io.env,
          },
          { say, signal: interrupt.signal, progress },
        );
        if (outcome.kind === "dry-run") {
          io.stdout.write(opts.json ? JSON.stringify(outcome, null, 2) + "\n" : renderDryRun(outcome));
          setExit(0);
          return;
        }
        const chalk = chalkFor(io.stdout, io.env);
        if (opts.json) {
          io.stdout.write(JSON.stringify(outcome.results, null, 2) + "\n");
          say(`saved ${outcome.outDir}/`);
        } else
          io.stdout.write(
            renderRunTerminal(outcome.results, outcome.analysis, outcome.outDir, io.cwd, chalk, {
              width: terminalWidth(io.stdout, io.env),
              verbose: opts.verbose === true,
            }),
          );
        const allFailed = outcome.results.trials.length > 0 && outcome.results.trials.every((t) => t.status === "failed");
        setExit(outcome.results.interrupted ? EXIT.interrupted : allFailed ? EXIT.failure : EXIT.ok);
      } finally {
        interrupt.dispose();
      }
    });
}

/**
 * --debug is gpuprof's own wherever it stands among gpuprof's arguments (before or after the
 * command name); after `--`, or from the watched command's name on, it belongs to that command.
 */
export function takeDebugFlag(argv: readonly string[]): { args: string[]; debug: boolean } {
  const [node, script, ...rest] = argv;
  const end = rest.indexOf("--");
  const watchAt = rest.indexOf("watch");
  // `gpuprof watch python train.py --debug`: without `--`, the command's own arguments start at its name.
  const commandAt = end < 0 && watchAt >= 0 ? rest.findIndex((a, i) => i > watchAt && !a.startsWith("-") && !isOptionValue(rest, i)) : -1;
  const stop = end >= 0 ? end : commandAt >= 0 ? commandAt : rest.length;
  const ours = rest.slice(0, stop);
  const debug = ours.includes("--debug");
  return { args: [node!, script!, ...ours.filter((a) => a !== "--debug"), ...rest.slice(stop)], debug };
}

/** watch's options that take a value: the value is not the command's name. */
function isOptionValue(args: readonly string[], i: number): boolean {
  return ["--interval", "--out", "--format"].includes(args[i - 1] ?? "");
}

/**
 * Runs the CLI and returns the exit code; never throws, and calls process.exit only when a signal
 * must end gpuprof at once (a second Ctrl-C, or one with no long work to stop: see interrupt.ts).
 */
export async function main(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() },
): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  const { args, debug } = takeDebugFlag(argv);
  const fail = (message: string, code: number, err: unknown): number => {
    io.stderr.write(`gpuprof: ${message}\n`);
    // Commander's own parse errors have stacks of its internals: a mistyped flag is never a stack trace.
    if (debug && !(err instanceof CommanderError) && err instanceof Error && err.stack) io.stderr.write(err.stack + "\n");
    return code;
  };
  // A signal while no command is stopping long work on its own (report, compare, startup) ends gpuprof at once.
  const defaultSignals = exitOnSignals((line) => void io.stderr.write(`gpuprof: ${line}\n`));
  try {
    await program.parseAsync(args);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return EXIT.ok;
      const sub = argv.slice(2).find((a) => program.commands.some((c) => c.name() === a)) ?? "";
      return fail(commanderLine(err, sub), failureOf(err).code, err);
    }
    const { message, code } = failureOf(err);
    return fail(message, code, err);
  } finally {
    defaultSignals.dispose();
  }
}
