import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AnalysisFileSchema } from "../../src/store/analysis-schema.js";
import { WatchResultSchema } from "../../src/store/summary-schema.js";
import { SampleSchema, TimelineFileSchema } from "../../src/store/timeline-schema.js";
import { fakeNvidiaSmi, missingNvidiaSmi, root, runCli, tempDir, unwrapped } from "../helpers.js";
import { describeNeeding, SCRIPT } from "../system-packages.js";
import { pidsDir, silentNvidiaSmi, survivors, until } from "../telemetry/fake-processes.js";

const node = process.execPath;
// Strict: --json must print exactly the documented shape, no key more.
const parseResult = (stdout: string) => WatchResultSchema.strict().parse(JSON.parse(stdout));
const readTimeline = (dir: string) => TimelineFileSchema.parse(JSON.parse(readFileSync(join(dir, "timeline.json"), "utf8")));

/** A command that runs until `path` exists (at most 15 s): a test ends it once it has seen what it waits for. */
const untilFileExists = (path: string) => [
  node,
  "-e",
  `const fs = require("fs"); const t0 = Date.now(); const t = setInterval(() => { if (fs.existsSync(${JSON.stringify(path)}) || Date.now() - t0 > 15000) clearInterval(t); }, 20);`,
];

describe("gpuprof watch", () => {
  it("sees a busy loop as user CPU", async () => {
    const run = await runCli(["watch", "--json", "--", node, "-e", "const t = Date.now(); while (Date.now() - t < 1500);"]);
    expect(run.code).toBe(0);
    const result = parseResult(run.stdout);
    // One core spinning for 1.5 s: at least half a core's share of all cores, whatever else runs.
    const oneCorePct = 100 / availableParallelism();
    expect(result.summary.cpu.userPct!.mean).toBeGreaterThan(oneCorePct / 2);
    expect(result.summary.cpu.userPct!.max).toBeGreaterThan(oneCorePct * 0.8);
  });

  it("counts the bytes a command reads, and writes a timeline that matches its schema", async () => {
    const dir = tempDir();
    const file = join(dir, "data.bin");
    writeFileSync(file, Buffer.alloc(32 * 1024 * 1024, 7));
    const run = await runCli(["watch", "--json", "--", node, "-e", `require("fs").readFileSync(${JSON.stringify(file)})`], { cwd: dir });
    expect(run.code).toBe(0);
    const result = parseResult(run.stdout);
    expect(result.summary.io.procReadBytes).toBeGreaterThanOrEqual(32 * 1024 * 1024);
    expect(result.outDir).toMatch(/^reports\/\d{8}-\d{6}-node$/);
    const timeline = TimelineFileSchema.parse(JSON.parse(readFileSync(join(dir, result.files.timelineJson), "utf8")));
    expect(timeline.samples.length).toBe(result.summary.sampleCount);
    expect(timeline.samples.length).toBeGreaterThan(0);
    const csv = readFileSync(join(dir, result.files.timelineCsv), "utf8").trim().split("\n");
    expect(csv[0]).toMatch(/^t_ms,cpu_user_pct,/);
    expect(csv).toHaveLength(timeline.samples.length + 1);
    expect(readdirSync(join(dir, result.outDir)).sort()).toEqual([
      "analysis.json",
      "report.html",
      "summary.json",
      "summary.md",
      "summary.png",
      "timeline.csv",
      "timeline.json",
      "timeline.png",
    ]);
    // No GPU here: the verdict is the host's alone and says so, or, for a run under a second, that there is not enough to judge.
    const md = readFileSync(join(dir, result.outDir, "summary.md"), "utf8");
    expect(md).toMatch(/^# gpuprof watch: (no GPU readings|host only \(no GPU\): )/);
    // analysis.json is the one analysis artifact: its one finding is summary.json's diagnosis.
    const analysis = AnalysisFileSchema.parse(JSON.parse(readFileSync(join(dir, result.outDir, "analysis.json"), "utf8")));
    expect(analysis).toMatchObject({ kind: "gpuprof.analysis", source: "watch", thresholds: null, answer: null });
    expect(md.startsWith(`# gpuprof watch: ${analysis.verdict}`)).toBe(true);
    expect(analysis.findings).toEqual([result.diagnosis]);
    // The command as a user would type it, quotes included.
    expect(md).toContain(`${node} -e 'require("fs").readFileSync(`);
  });

  it("judges a run without a GPU from the host alone, and says so", async () => {
    const run = await runCli(["watch", "--json", "--", node, "-e", "const t = Date.now(); while (Date.now() - t < 1500);"]);
    const result = parseResult(run.stdout);
    expect(["host cpu-bound", "host neither"]).toContain(result.diagnosis.evidence["kind"]);
    expect(result.diagnosis.summary).toMatch(/^No GPU to compare with: judged from the host's CPU and I\/O alone\. /);
  });

  it("draws no live line when stderr is not a terminal: no carriage return, no status", async () => {
    const run = await runCli(["watch", "--", "sleep", "2.2"]);
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain("\r");
    expect(run.stderr).not.toContain("\x1b[2K");
    expect(run.stderr).not.toMatch(/gpuprof \d+:\d\d {2}/);
    // --no-live is accepted, and changes nothing off a terminal.
    expect((await runCli(["watch", "--no-live", "--", "true"])).code).toBe(0);
  });

  it("passes the command's stdout through, or moves it to stderr under --json", async () => {
    const plain = await runCli(["watch", "--", node, "-e", "console.log('hello from the job')"]);
    expect(plain.stdout).toBe("hello from the job\n");
    expect(plain.stderr).toMatch(/gpuprof watch: .* exited with code 0/);
    const json = await runCli(["watch", "--json", "--", node, "-e", "console.log('hello from the job')"]);
    expect(json.stderr).toContain("hello from the job");
    expect(() => JSON.parse(json.stdout)).not.toThrow();
  });

  it("exits with the command's exit code, or 128 + the signal that ended it", async () => {
    expect((await runCli(["watch", "--", node, "-e", "process.exit(3)"])).code).toBe(3);
    const killed = await runCli(["watch", "--json", "--", node, "-e", "process.kill(process.pid, 'SIGTERM')"]);
    expect(killed.code).toBe(143);
    expect(parseResult(killed.stdout).exit).toEqual({ code: null, signal: "SIGTERM" });
  });

  it("never writes over an earlier run", async () => {
    const dir = tempDir();
    const runs = await Promise.all([0, 1].map(() => runCli(["watch", "--json", "--", "true"], { cwd: dir })));
    const dirs = runs.map((r) => parseResult(r.stdout).outDir);
    expect(new Set(dirs).size).toBe(2);
  });

  it("kills the command and every process it started at the third Ctrl-C", async () => {
    const dir = tempDir();
    const pidFile = join(dir, "grandchild.pid");
    // A shell that ignores Ctrl-C and a grandchild that would outlive it, as DataLoader workers would.
    const script = `trap "" INT; sleep 30 & echo $! > ${pidFile}; echo started >&2; wait`;
    let pid = 0;
    let sent = false;
    const run = await runCli(["watch", "--", "sh", "-c", script], {
      cwd: dir,
      detached: true,
      onStart: (p) => (pid = p),
      onStderr: (text) => {
        if (!sent && text.includes("started")) {
          sent = true;
          for (const ms of [300, 600, 900]) setTimeout(() => process.kill(pid, "SIGINT"), ms);
        }
      },
    });
    expect(run.stderr).toContain("gpuprof: interrupted 3 times: killing sh and every process it started");
    expect(run.code).toBe(137);
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    // Killed means gone or a zombie waiting to be reaped (state Z): either way it runs no more.
    const state = (): string => {
      try {
        const stat = readFileSync(`/proc/${grandchild}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      } catch {
        return "gone";
      }
    };
    expect(["gone", "Z"]).toContain(state());
  });

  it("forwards Ctrl-C to the command and still writes everything sampled", async () => {
    const dir = tempDir();
    const job = `process.on("SIGINT", () => { console.error("job got SIGINT"); process.exit(130); }); console.error("job ready"); setInterval(() => {}, 1000);`;
    let pid = 0;
    let sent = false;
    const run = await runCli(["watch", "--json", "--", node, "-e", job], {
      cwd: dir,
      detached: true,
      onStart: (p) => (pid = p),
      onStderr: (text) => {
        if (!sent && text.includes("job ready")) {
          sent = true;
          setTimeout(() => process.kill(pid, "SIGINT"), 500);
        }
      },
    });
    expect(run.stderr).toContain("gpuprof: interrupted: waiting for");
    expect(run.stderr).toContain("job got SIGINT");
    expect(run.code).toBe(130);
    const result = parseResult(run.stdout);
    expect(result.interrupted).toBe(true);
    expect(result.summary.sampleCount).toBeGreaterThan(3);
    expect(existsSync(join(dir, result.files.timelineJson))).toBe(true);
  });

  it("leaves the samples measured so far when gpuprof itself is killed", async () => {
    const dir = tempDir();
    const out = join(dir, "out");
    const partialFile = join(out, "samples.partial.jsonl");
    const flushedSamples = (): number => (existsSync(partialFile) ? readFileSync(partialFile, "utf8").split("\n").length - 1 : 0);
    let pid = 0;
    const run = runCli(["watch", "--out", out, "--", "sleep", "30"], { cwd: dir, detached: true, onStart: (p) => (pid = p) });
    try {
      // Samples are flushed about once a second: wait until some are on disk rather than guess how long that takes.
      await until(() => pid !== 0 && flushedSamples() >= 5, 15000, "5 flushed samples");
    } finally {
      // The whole group: gpuprof and the job it runs, as a closed terminal would.
      if (pid !== 0) process.kill(-pid, "SIGKILL");
    }
    expect((await run).signal).toBe("SIGKILL");
    // SIGKILL can land in the middle of an append: the complete lines are the samples, a cut last line is not one.
    const text = readFileSync(partialFile, "utf8");
    const samples = text
      .slice(0, text.lastIndexOf("\n"))
      .split("\n")
      .map((line) => SampleSchema.parse(JSON.parse(line)));
    expect(samples.length).toBeGreaterThanOrEqual(5);
    expect(samples.every((s, i) => i === 0 || s.tMs > samples[i - 1]!.tMs)).toBe(true);
  });

  it("prints what summary.json holds, verdict included", async () => {
    const dir = tempDir();
    const run = await runCli(["watch", "--json", "--out", join(dir, "out"), "--", "true"], { cwd: dir });
    const printed = parseResult(run.stdout);
    expect(printed.diagnosis.verdict).toBe("insufficient-data");
    expect(JSON.parse(readFileSync(join(dir, "out", "summary.json"), "utf8"))).toEqual(JSON.parse(run.stdout));
    // stdout is the JSON alone; where it was saved goes to stderr.
    expect(run.stderr).toMatch(/gpuprof: saved .*out\//);
  });

  it("says '1 sample', not '1 samples', and lists every file it saved", async () => {
    const run = await runCli(["watch", "--interval", "60000", "--", "true"]);
    expect(run.stderr).toMatch(/\(1 sample every 60000 ms\)/);
    expect(unwrapped(run.stderr)).toMatch(
      /Saved .*\(report\.html, summary\.md, summary\.png, timeline\.png, analysis\.json, timeline\.json/,
    );
  });
});

describe("gpuprof watch with a fake nvidia-smi", () => {
  const pidDirs: string[] = [];
  const fakeEnv = (scenario: string, executable = fakeNvidiaSmi) => {
    const pids = pidsDir();
    pidDirs.push(pids);
    return { GPUPROF_NVIDIA_SMI: executable, FAKE_NVIDIA_SMI_SCENARIO: scenario, FAKE_NVIDIA_SMI_PIDS: pids };
  };
  const withFake = (scenario: string) => ({ env: fakeEnv(scenario) });

  // gpuprof has exited by now: no nvidia-smi it started may still be running.
  afterEach(async () => {
    for (const dir of pidDirs.splice(0)) expect(await survivors(dir)).toEqual([]);
  });

  it("reports GPU utilization per GPU, and --format md writes summary.md alone beside the results", async () => {
    const cwd = tempDir();
    const run = await runCli(["watch", "--json", "--format", "md", "--", "sleep", "1.5"], { ...withFake("four-gpus"), cwd });
    const result = parseResult(run.stdout);
    const files = readdirSync(join(cwd, result.outDir)).sort();
    expect(files).toEqual(["summary.json", "summary.md", "timeline.csv", "timeline.json"]);
    const md = readFileSync(join(cwd, result.outDir, "summary.md"), "utf8");
    expect(md).toMatch(/\| GPU 3 util % \(NVIDIA H100 80GB HBM3\) \| [\d.]+ \| [\d.]+ \| [\d.]+ \|/);
    expect(result.summary.gpus.map((g) => g.index)).toEqual([0, 1, 2, 3]);
    expect(result.summary.gpus[0]!.utilPct).not.toBeNull();
    expect(result.summary.gpus[0]!.name).toBe("NVIDIA H100 80GB HBM3");
  });

  it("says once that no NVIDIA GPU was found when nvidia-smi is missing, and still samples the CPU", async () => {
    const run = await runCli(["watch", "--", "sleep", "0.5"]);
    expect(run.code).toBe(0);
    expect(run.stderr.match(/no NVIDIA GPU found/g)).toHaveLength(1);
    expect(run.stderr).toMatch(/CPU {3}us \d+\.\d%/);
  });

  it("tells the user about a driver problem in one line, even when the command ends before nvidia-smi has answered", async () => {
    const run = await runCli(["watch", "--", "true"], withFake("driver-mismatch"));
    expect(run.code).toBe(0);
    const notes = unwrapped(run.stderr)
      .split("\n")
      .filter((l) => l.startsWith("gpuprof: "));
    expect(notes).toEqual([
      "gpuprof: nvidia-smi: the NVIDIA driver and its library versions do not match (NVML: Driver/library version mismatch); reboot or reload the nvidia kernel module; continuing without GPU telemetry",
    ]);
  });

  // Each fails at start-up; `true` ends before the fake nvidia-smi (a Node process) has started, so
  // the message is only seen because gpuprof waits for nvidia-smi's first outcome.
  it.each([
    [
      "no-driver",
      "gpuprof: nvidia-smi cannot communicate with the NVIDIA driver; check that the driver is installed and loaded (lsmod | grep nvidia); continuing without GPU telemetry",
    ],
    [
      "silent-exit-9",
      "gpuprof: nvidia-smi cannot communicate with the NVIDIA driver; check that the driver is installed and loaded (lsmod | grep nvidia); continuing without GPU telemetry",
    ],
    [
      "device-lost",
      "gpuprof: nvidia-smi lost GPU 0000:0B:00.0 (Unknown Error); it may have fallen off the bus: look for Xid errors in dmesg; continuing without GPU telemetry",
    ],
    [
      "nvml-unknown",
      "gpuprof: nvidia-smi could not initialize NVML (Unknown Error); check the driver installation; continuing without GPU telemetry",
    ],
    ["no-devices", "gpuprof: no NVIDIA GPU found (nvidia-smi sees no devices); continuing without GPU telemetry"],
    ["old-driver-unknown-field", "gpuprof: this nvidia-smi does not know the field clocks_event_reasons.active; it is recorded as missing"],
  ])("shows the %s case in one line", async (scenario, line) => {
    const run = await runCli(["watch", "--", "true"], withFake(scenario));
    expect(run.code).toBe(0);
    expect(
      unwrapped(run.stderr)
        .split("\n")
        .filter((l) => l.startsWith("gpuprof: ")),
    ).toEqual([line]);
  });

  it("shows the na-fields case (dmon unsupported) in one line", async () => {
    // The command lasts until dmon has started (after nvidia-smi's first row); its failure is then waited for.
    const env = fakeEnv("na-fields");
    const waitForDmon = `until [ -n "$(ls "$0" | grep '^dmon-')" ]; do sleep 0.05; done`;
    const run = await runCli(["watch", "--", "sh", "-c", waitForDmon, env.FAKE_NVIDIA_SMI_PIDS], { env });
    expect(run.code).toBe(0);
    expect(
      unwrapped(run.stderr)
        .split("\n")
        .filter((l) => l.startsWith("gpuprof: ")),
    ).toEqual(["gpuprof: PCIe throughput unavailable: nvidia-smi dmon is not supported on this GPU"]);
  });

  it("gives an nvidia-smi that never answers a bounded wait, kills it though it ignores SIGTERM, and says so", async () => {
    const started = Date.now();
    const run = await runCli(["watch", "--", "true"], { env: fakeEnv("one-gpu", silentNvidiaSmi()) });
    expect(run.code).toBe(0);
    expect(
      unwrapped(run.stderr)
        .split("\n")
        .filter((l) => l.startsWith("gpuprof: ")),
    ).toEqual(["gpuprof: nvidia-smi had not reported any GPU 2.0 s after sampling ended; killed it, no GPU telemetry for this run"]);
    expect(Date.now() - started).toBeLessThan(10000);
  });

  // The fake nvidia-smi is a Node process that reads ~260 kB starting up; that must not count as the command's.
  it.each([
    ["driver-mismatch", "query"],
    ["na-fields", "dmon"],
  ])("counts only the command's reads when nvidia-smi (%s) exits while the command runs", async (scenario, child) => {
    const env = fakeEnv(scenario);
    // Waits (shell builtins only: stat, no reads) until that nvidia-smi has exited and gpuprof has reaped it.
    const script = `pid=; while [ -z "$pid" ]; do for f in "$0"/$1-*; do [ -e "$f" ] && pid=\${f##*-}; done; done; while [ -e /proc/$pid ]; do :; done`;
    const run = await runCli(["watch", "--json", "--", "bash", "-c", script, env.FAKE_NVIDIA_SMI_PIDS, child], { env });
    expect(run.code).toBe(0);
    // bash itself reads about 8 kB.
    expect(parseResult(run.stdout).summary.io.procReadBytes).toBeLessThan(100_000);
  });

  it("records N/A readings as missing, not as zero", async () => {
    const dir = tempDir();
    const run = await runCli(["watch", "--json", "--", "sleep", "1.2"], { cwd: dir, ...withFake("na-fields") });
    const result = parseResult(run.stdout);
    expect(result.summary.gpus[0]!.utilPct).toBeNull();
    expect(result.summary.gpus[0]!.memUsedMiB).not.toBeNull();
    const [header, ...rows] = readFileSync(join(dir, result.files.timelineCsv), "utf8").trim().split("\n");
    const util = header!.split(",").indexOf("gpu0_util_pct");
    expect(rows.every((r) => r.split(",")[util] === "")).toBe(true);
  });

  it("tells the user when nvidia-smi crashes mid-stream, and records null readings from then on", async () => {
    const dir = tempDir();
    const go = join(dir, "go");
    const out = join(dir, "out");
    const run = await runCli(["watch", "--out", out, "--", ...untilFileExists(go)], {
      cwd: dir,
      env: fakeEnv("crash"),
      onStderr: (text) => text.includes("SIGSEGV") && writeFileSync(go, ""),
    });
    expect(run.stderr).toContain("gpuprof: nvidia-smi was killed by SIGSEGV after 3 rows; GPU readings stop here");
    const timeline = readTimeline(out);
    const crashAt = timeline.notes.find((n) => n.message.includes("SIGSEGV"))!.tMs;
    const after = timeline.samples.filter((s) => s.tMs >= crashAt + 1);
    expect(after.length).toBeGreaterThan(0);
    expect(after.map((s) => [s.gpus[0]!.utilPct, s.gpus[0]!.memUsedMiB])).toEqual(after.map(() => [null, null]));
  });

  it("finishes on time when nvidia-smi hangs, says so, and never passes an old row off as current", async () => {
    const dir = tempDir();
    const go = join(dir, "go");
    const out = join(dir, "out");
    const started = Date.now();
    const run = await runCli(["watch", "--out", out, "--", ...untilFileExists(go)], {
      cwd: dir,
      env: fakeEnv("hang"),
      onStderr: (text) => text.includes("stopped responding") && writeFileSync(go, ""),
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/gpuprof: nvidia-smi stopped responding \(no output for \d+\.\d s\); killed it, GPU readings stop here/);
    expect(Date.now() - started).toBeLessThan(15000);
    const timeline = readTimeline(out);
    const hungAt = timeline.notes.find((n) => n.message.includes("stopped responding"))!.tMs;
    const withReading = timeline.samples.filter((s) => (s.gpus[0]?.utilPct ?? null) !== null);
    expect(withReading.length).toBeGreaterThan(0);
    // A row stands for at most a second (3 loop periods at 100 ms, at least 1 s); the watchdog waits 5 s.
    expect(Math.max(...withReading.map((s) => s.gpus[0]!.ageMs))).toBeLessThanOrEqual(1000);
    expect(withReading.every((s) => s.tMs < hungAt)).toBe(true);
  });
});

// util-linux's script gives gpuprof a pseudo-terminal: its stderr is a TTY, as in a user's terminal.
describeNeeding(SCRIPT, "gpuprof watch on a terminal", () => {
  const onTerminal = (args: string[]) => {
    const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
    const line = [node, join(root, "bin", "gpuprof.js"), ...args].map(quote).join(" ");
    const result = spawnSync("script", ["-qfec", line, "/dev/null"], {
      cwd: tempDir(),
      env: { ...process.env, TERM: "xterm", NO_COLOR: "1", GPUPROF_NVIDIA_SMI: missingNvidiaSmi },
      encoding: "utf8",
      timeout: 30_000,
    });
    // The terminal's output, gpuprof's stderr and the command's output together, comes on script's stdout.
    return { code: result.status, stdout: result.stdout };
  };

  it("rewrites a live status line about once a second, lets the command's lines through, and clears it at the end", async () => {
    const run = await onTerminal(["watch", "--", "sh", "-c", "sleep 1.4; echo hello from the job; sleep 1.4"]);
    expect(run.code).toBe(0);
    const draws =
      run.stdout.match(
        /\r\x1b\[2Kgpuprof \d:\d\d {2}no GPU {2}CPU us \d+% sy \d+% wa \d+% {2}read [\d.]+ MB\/s {2}mem [\d.]+\/[\d.]+ GiB/g,
      ) ?? [];
    expect(draws.length).toBeGreaterThanOrEqual(2);
    expect(run.stdout).toContain("hello from the job");
    // Cleared before the summary: the summary starts on a clean line.
    expect(run.stdout).toMatch(/\r\x1b\[2K(\x1b\[\d+m)?gpuprof watch(\x1b\[\d+m)?: sh /);
  });

  it("draws none with --no-live", async () => {
    const run = await onTerminal(["watch", "--no-live", "--", "sleep", "2.2"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/gpuprof watch/);
    expect(run.stdout).not.toContain("\x1b[2K");
  });
});
