#!/usr/bin/env node
// A stand-in for nvidia-smi that replays recorded output (fixtures/nvidia-smi) as a scenario says.
// Scenario: FAKE_NVIDIA_SMI_SCENARIO = a name in fixtures/nvidia-smi/scenarios/ or a path to a JSON file.
// Speed-ups for tests: FAKE_NVIDIA_SMI_DMON_MS overrides dmon's one-second period.
// FAKE_NVIDIA_SMI_PIDS: a folder where each process leaves an empty file "query-<pid>" or "dmon-<pid>",
// so that tests can find the processes, wait for them, and check that none outlives gpuprof.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "nvidia-smi");
const scenarioArg = process.env.FAKE_NVIDIA_SMI_SCENARIO ?? "one-gpu";
const scenarioPath = scenarioArg.endsWith(".json") ? scenarioArg : join(fixtures, "scenarios", `${scenarioArg}.json`);
const scenario = JSON.parse(readFileSync(scenarioPath, "utf8"));
const fieldLists = JSON.parse(readFileSync(join(fixtures, "fields.json"), "utf8"));
const errors = JSON.parse(readFileSync(join(fixtures, "errors.json"), "utf8"));
const args = process.argv.slice(2);
if (process.env.FAKE_NVIDIA_SMI_PIDS) {
  writeFileSync(join(process.env.FAKE_NVIDIA_SMI_PIDS, `${args[0] === "dmon" ? "dmon" : "query"}-${process.pid}`), "");
}

const out = (text) => process.stdout.write(text);
const lines = (file) =>
  readFileSync(join(fixtures, file), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "");

function fail(spec) {
  const text = spec.errorKey
    ? errors[spec.errorKey]
    : spec.fixture
      ? readFileSync(join(fixtures, spec.fixture), "utf8")
      : (spec.text ?? "");
  out(text.endsWith("\n") || text === "" ? text : text + "\n");
  process.exit(spec.exitCode);
}

if (scenario.ignoreSigterm) process.on("SIGTERM", () => undefined);

function hangForever() {
  setInterval(() => undefined, 1 << 30);
}

if (args[0] === "dmon") {
  const spec = scenario.dmon ?? { errorKey: "dmon-unsupported", exitCode: 255 };
  if (!spec.fixture) fail(spec);
  const all = lines(spec.fixture);
  const header = all.filter((l) => l.startsWith("#"));
  const rows = all.filter((l) => !l.startsWith("#"));
  out(header.join("\n") + "\n");
  let i = 0;
  const period = Number(process.env.FAKE_NVIDIA_SMI_DMON_MS ?? 1000);
  setInterval(() => out(rows[i++ % rows.length] + "\n"), period);
} else {
  if (scenario.fail) fail(scenario.fail);
  const query = args.find((a) => a.startsWith("--query-gpu="));
  const loop = args.find((a) => a.startsWith("--loop-ms="));
  const requested = query ? query.slice("--query-gpu=".length).split(",") : [];
  const recordedFields = fieldLists[scenario.rows.fixture];
  for (const field of requested) {
    if (!recordedFields.includes(field) || (scenario.unknownFields ?? []).includes(field)) {
      out(`Field "${field}" is not a valid field to query.\n\n`);
      process.exit(2);
    }
  }
  const recorded = lines(scenario.rows.fixture).map((line) => {
    const cells = line.split(", ");
    return Object.fromEntries(recordedFields.map((f, i) => [f, cells[i]]));
  });
  const gpuCount = scenario.rows.gpuCount ?? 1;
  const round = (n) => {
    const base = recorded[n % recorded.length];
    let text = "";
    for (let gpu = 0; gpu < gpuCount; gpu++) {
      const row = { ...base, ...(scenario.rows.substitute ?? {}) };
      if (gpu > 0) {
        row.index = String(gpu);
        row.uuid = base.uuid.slice(0, -1) + String(gpu);
        row["pci.bus_id"] = base["pci.bus_id"].replace(/06\.0$/, `0${6 + gpu}.0`);
      }
      text += requested.map((f) => row[f]).join(", ") + "\n";
    }
    out(text);
  };
  if (!loop) {
    round(0);
    process.exit(0);
  }
  const loopMs = Number(loop.slice("--loop-ms=".length));
  let n = 0;
  round(n++);
  const timer = setInterval(() => {
    if (scenario.hangAfterRounds !== undefined && n >= scenario.hangAfterRounds) {
      clearInterval(timer);
      hangForever();
      return;
    }
    if (scenario.crashAfterRounds !== undefined && n >= scenario.crashAfterRounds) {
      process.kill(process.pid, "SIGSEGV");
      return;
    }
    round(n++);
  }, loopMs);
}
