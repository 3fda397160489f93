import sharp from "sharp";
import { message } from "../../messages/catalogue.js";
import type { DatasetDescriptor } from "./descriptor.js";

/** Images whose sizes a folder's warning is based on: enough to see a mix, few enough to read headers only in a moment. */
export const IMAGES_LOOKED_AT = 64;
/** Fewer samples than this many batches make every figure of a trial unreliable. */
export const FEWEST_BATCHES = 8;

/**
 * What the run's notes must say about data that is probably not what the user meant: images of mixed
 * sizes (all resized to the first one's), a .npy that looks channels-last read as channels-first, and
 * a dataset too small to measure. Each is a warning with the fix.
 */
export async function datasetNotes(dataset: DatasetDescriptor, batch: number): Promise<string[]> {
  const notes: string[] = [];
  if (dataset.kind === "image-files" && dataset.origin === "user") {
    const mixed = await mixedSizes(dataset.files, dataset.sampleShape);
    if (mixed) notes.push(message("data.mixed-sizes", { ...mixed, root: dataset.label }));
  }
  if (dataset.kind === "npy" && dataset.origin === "user" && dataset.layout !== "nhwc") {
    const [first, , last] = dataset.sampleShape;
    if (dataset.sampleShape.length === 3 && (last === 1 || last === 3) && first !== 1 && first !== 3) {
      const [h, w, c] = dataset.sampleShape as [number, number, number];
      notes.push(
        message("data.channels-last", {
          path: dataset.label,
          shape: [dataset.count, ...dataset.sampleShape].join(", "),
          last: String(last),
          count: String(dataset.count),
          chw: dataset.sampleShape.join("x"),
          fixed: [c, h, w].join("x"),
        }),
      );
    }
  }
  const needed = FEWEST_BATCHES * batch;
  if (dataset.count < needed && !(dataset.kind === "python" && !dataset.lengthKnown)) {
    notes.push(
      message("data.few-samples", {
        samples: String(dataset.count),
        batch: String(batch),
        needed: String(needed),
        batches: String(Math.ceil(dataset.count / batch)),
      }),
    );
  }
  return notes;
}

/** The distinct sizes among up to IMAGES_LOOKED_AT images spread over the folder (headers only), when there is more than one. */
async function mixedSizes(
  files: readonly string[],
  sampleShape: readonly number[],
): Promise<{ distinct: string; looked: string; examples: string; width: string; height: string } | null> {
  const step = Math.max(1, files.length / IMAGES_LOOKED_AT);
  const picked = [...new Set(Array.from({ length: Math.min(files.length, IMAGES_LOOKED_AT) }, (_, i) => files[Math.floor(i * step)]!))];
  const sizes = new Map<string, number>();
  let looked = 0;
  for (const file of picked) {
    try {
      const { width, height } = await sharp(file).metadata();
      if (!width || !height) continue;
      looked += 1;
      const key = `${width}x${height}`;
      sizes.set(key, (sizes.get(key) ?? 0) + 1);
    } catch {
      // An unreadable image fails its trial with its own message; here it is only not counted.
    }
  }
  if (sizes.size <= 1) return null;
  return {
    distinct: String(sizes.size),
    looked: String(looked),
    examples: [...sizes.keys()].slice(0, 3).join(", "),
    width: String(sampleShape[2]),
    height: String(sampleShape[1]),
  };
}
