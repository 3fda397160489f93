import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDmonHeader, parseDmonRow } from "../../src/telemetry/nvidia-smi/dmon-format.js";
import { inventoryFromLines } from "../../src/telemetry/nvidia-smi/gpu-inventory.js";
import {
  QUERY_FIELDS,
  cleanValue,
  identityFromValues,
  numberValue,
  parseQueryRow,
  splitRow,
} from "../../src/telemetry/nvidia-smi/query-format.js";
import { fixture, fixtureLines } from "../helpers.js";

const fieldLists = JSON.parse(fixture("nvidia-smi", "fields.json")) as Record<string, string[] | null>;

describe("nvidia-smi --query-gpu rows", () => {
  it("streams exactly the field list the H100 fixtures were recorded with", () => {
    expect([...QUERY_FIELDS]).toEqual(fieldLists["h100_query_loop200_load.txt"]);
  });

  it("reads a recorded H100 row under load", () => {
    const rows = fixtureLines("nvidia-smi", "h100_query_loop200_load.txt").map((l) => parseQueryRow(l, QUERY_FIELDS));
    expect(rows.every((r) => r.ok)).toBe(true);
    const busy = rows.map((r) => (r.ok ? numberValue(r.values["utilization.gpu"]) : null));
    expect(Math.max(...(busy as number[]))).toBe(100);
    const first = rows[0]!;
    if (!first.ok) throw new Error("unreachable");
    expect(identityFromValues(first.values)).toEqual({
      index: 0,
      name: "NVIDIA H100 80GB HBM3",
      uuid: "GPU-0ec42c2e-244f-9c27-8ed5-ce9c2a7ca4a6",
      busId: "00000000:00:06.0",
    });
    expect(numberValue(first.values["power.draw"])).toBeCloseTo(73.94, 2);
    expect(first.values["clocks_event_reasons.active"]).toBe("0x0000000000000001");
  });

  it("turns [N/A] and [Not Supported] into null (new and old driver spellings)", () => {
    const [na] = fixtureLines("nvidia-smi", "query_na_new_driver.txt");
    const [ns] = fixtureLines("nvidia-smi", "query_not_supported_old_driver.txt");
    expect(splitRow(na!).map(cleanValue)).toEqual(["2004", "2004", "0", "44", null, "0", "0"]);
    expect(splitRow(ns!).map(cleanValue)).toEqual(["2004", "2004", "0", "44", null, "0", "0"]);
  });

  it("turns a bare N/A into null and keeps a GPU name with spaces whole", () => {
    const file = "query_unbracketed_na_rtx2080.txt";
    const parsed = parseQueryRow(fixtureLines("nvidia-smi", file)[0]!, fieldLists[file]!);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.values["temperature.memory"]).toBeNull();
    expect(parsed.values["name"]).toBe("GeForce RTX 2080");
    expect(numberValue(parsed.values["utilization.gpu"])).toBe(86);
  });

  it("turns [Unknown Error] into null", () => {
    const file = "query_unknown_error_rtx2080ti.txt";
    const parsed = parseQueryRow(fixtureLines("nvidia-smi", file)[0]!, fieldLists[file]!);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.values["power.default_limit"]).toBeNull();
    expect(numberValue(parsed.values["utilization.gpu"])).toBe(100);
  });

  it("reads values that carry units (--format=csv without nounits)", () => {
    const [, row] = fixtureLines("nvidia-smi", "h100_query_header_units.txt");
    const cells = splitRow(row!).map(cleanValue);
    expect(numberValue(cells[8])).toBe(0); // "0 MiB"
    expect(numberValue(cells[9])).toBe(81559); // "81559 MiB"
    expect(numberValue(cells[10])).toBeCloseTo(74.01, 2); // "74.01 W"
    const [gtx] = fixtureLines("nvidia-smi", "query_gtx770_not_supported_units.txt");
    const g = splitRow(gtx!).map(cleanValue);
    expect(g[0]).toBe("GeForce GTX 770");
    expect(g[1]).toBeNull();
    expect(numberValue(g[6])).toBe(52); // "52 %"
  });

  it("rejects a row whose field count does not match the query", () => {
    const parsed = parseQueryRow("1, 2, 3", QUERY_FIELDS);
    expect(parsed).toEqual({ ok: false, reason: `expected ${QUERY_FIELDS.length} fields, found 3` });
  });

  it("builds the GPU inventory from rows", () => {
    const gpus = inventoryFromLines(["0, NVIDIA H100 80GB HBM3, GPU-x, 00000000:00:06.0, 580.159.04, 81559, 5, 5, 16, 16"]);
    expect(gpus).toEqual([
      {
        index: 0,
        name: "NVIDIA H100 80GB HBM3",
        uuid: "GPU-x",
        busId: "00000000:00:06.0",
        driverVersion: "580.159.04",
        memoryTotalMiB: 81559,
        pcieGenCurrent: 5,
        pcieGenMax: 5,
        pcieWidthCurrent: 16,
        pcieWidthMax: 16,
      },
    ]);
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string(), fc.array(fc.string(), { maxLength: 25 }), (line, fields) => {
        parseQueryRow(line, fields);
        parseQueryRow(line, QUERY_FIELDS);
        numberValue(line);
        inventoryFromLines([line]);
      }),
    );
  });
});

describe("nvidia-smi dmon", () => {
  const parseAll = (file: string) => {
    let columns: string[] | null = null;
    const rows: Record<string, number | null>[] = [];
    for (const line of fixtureLines("nvidia-smi", file)) {
      const header = parseDmonHeader(line);
      if (header) columns = header;
      else if (columns) {
        const row = parseDmonRow(line, columns);
        if (row) rows.push(row);
      }
    }
    return { columns, rows };
  };

  it("finds rxpci/txpci by name in the H100's -s t output", () => {
    const { columns, rows } = parseAll("h100_dmon_t_load.txt");
    expect(columns).toEqual(["gpu", "rxpci", "txpci"]);
    expect(rows).toHaveLength(14);
    expect(Math.max(...rows.map((r) => r["txpci"]!))).toBe(325);
  });

  it("reads the H100's -s put output with its wider column set", () => {
    const { columns, rows } = parseAll("h100_dmon_put_load.txt");
    expect(columns).toContain("rxpci");
    expect(Math.max(...rows.map((r) => r["rxpci"]!))).toBe(14133);
    expect(Math.max(...rows.map((r) => r["sm"]!))).toBe(100);
  });

  it("handles older and newer drivers' columns, with '-' as null", () => {
    const old = parseAll("dmon_pucvmet_old.txt");
    expect(old.rows[0]).toMatchObject({ gpu: 1, temp: 43, rxpci: 577, txpci: 95, sbecc: null });
    const gtemp = parseAll("dmon_pucvmet_gtemp.txt");
    expect(gtemp.rows[0]).toMatchObject({ gpu: 0, gtemp: 46, mtemp: null, rxpci: 14 });
    const jpg = parseAll("dmon_default_jpg_ofa.txt");
    expect(jpg.columns).not.toContain("rxpci");
    expect(jpg.rows).toHaveLength(2);
  });

  it("ignores the units line and never throws on arbitrary text", () => {
    expect(parseDmonHeader("# Idx   MB/s   MB/s")).toBeNull();
    fc.assert(
      fc.property(fc.string(), (line) => {
        parseDmonHeader(line);
        parseDmonRow(line, ["gpu", "rxpci", "txpci"]);
      }),
    );
  });
});
