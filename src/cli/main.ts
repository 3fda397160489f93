import { Command, CommanderError } from "commander";
import { info } from "../commands/info.js";
import { watch } from "../commands/watch.js";
import { chalkFor } from "../report/colors.js";
import { renderInfo } from "../report/info-text.js";
import { renderWatchSummary } from "../report/watch-text.js";
import { EnvironmentError, UsageError } from "../util/errors.js";
import { toolVersion } from "../util/tool-version.js";
import { parseIntervalMs } from "./option-values.js";

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

/** Commander's "error: unknown option '--x'\n(Did you mean --y?)" as one line with the way to help. */
function commanderLine(err: CommanderError, command: string): string {
  const text = err.message
    .replace(/^error:\s*/i, "")
    .replace(/\s*\n\s*/g, " ")
    .trim();
  return `${text}; run 'gpuprof${command ? ` ${command}` : ""} --help' for usage`;
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
    .option("--json", "print the summary as JSON on stdout (the command's own stdout goes to stderr)")
    .passThroughOptions()
    .action(async (command: string[], opts: { interval: number; out?: string; force?: boolean; json?: boolean }) => {
      const stderrChalk = chalkFor(io.stderr, io.env);
      const result = await watch(
        {
          command,
          intervalMs: opts.interval,
          out: opts.out,
          force: opts.force === true,
          json: opts.json === true,
          reportsDir: "reports",
          env: io.env,
        },
        { say: (line) => io.stderr.write(stderrChalk.dim(`gpuprof: ${line}`) + "\n") },
      );
      if (opts.json) io.stdout.write(JSON.stringify(result, null, 2) + "\n");
      else io.stderr.write(renderWatchSummary(result, stderrChalk, io.cwd));
      setExit(result.exitCode);
    });

  return program;
}

/** Runs the CLI and returns the exit code; never calls process.exit and never throws. */
export async function main(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() },
): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  const debug = argv.includes("--debug");
  const fail = (message: string, code: number, err: unknown): number => {
    io.stderr.write(`gpuprof: ${message}\n`);
    if (debug && err instanceof Error && err.stack) io.stderr.write(err.stack + "\n");
    return code;
  };
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return 0;
      const sub = argv.slice(2).find((a) => program.commands.some((c) => c.name() === a)) ?? "";
      return fail(commanderLine(err, sub), EXIT_USAGE, err);
    }
    if (err instanceof UsageError) return fail(err.message, EXIT_USAGE, err);
    if (err instanceof EnvironmentError) return fail(err.message, EXIT_FAILURE, err);
    const message = err instanceof Error ? err.message : String(err);
    return fail(`internal error: ${message} (run again with --debug for details, and please report it)`, EXIT_FAILURE, err);
  }
}
