// Tests that need a package of the operating system (not an npm one) run where it is installed, skip
// with one line naming it where it is not, and fail under CI=true: CI installs them all (.ci/run).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { describe, it } from "vitest";

export interface SystemPackage {
  /** What is missing, in words a user can look up. */
  what: string;
  /** The command that installs it. */
  install: string;
  present: boolean;
}

const onPath = (name: string): boolean => spawnSync("which", [name], { stdio: "ignore" }).status === 0;

/** The first of the usual Chromium executables on PATH. */
export const CHROMIUM_EXECUTABLE = ["chromium", "chromium-browser", "google-chrome"].find(onPath);

export const CHROMIUM: SystemPackage = {
  what: "headless Chromium (Debian's chromium)",
  install: "apt-get install -y chromium",
  present: CHROMIUM_EXECUTABLE !== undefined,
};

/** util-linux's `script`, which runs a command on a pseudo-terminal of its own. */
export const SCRIPT: SystemPackage = {
  what: "util-linux's script (bsdutils)",
  install: "apt-get install -y bsdutils",
  present: onPath("script"),
};

const ICD_DIR = "/usr/share/vulkan/icd.d";
const lavapipeIcd = existsSync(ICD_DIR) && readdirSync(ICD_DIR).some((f) => /^lvp_icd.*\.json$/.test(f));
const vulkanLoader = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"].some((dir) =>
  existsSync(`${dir}/libvulkan.so.1`),
);

export const LAVAPIPE: SystemPackage = {
  what: "the Vulkan loader and Mesa's lavapipe driver (libvulkan1, mesa-vulkan-drivers)",
  install:
    "apt-get install -y libvulkan1 mesa-vulkan-drivers (Debian 12 needs Mesa 25 from bookworm-backports: apt-get install -y -t bookworm-backports libvulkan1 mesa-vulkan-drivers, as .ci/run does)",
  present: lavapipeIcd && vulkanLoader,
};

/**
 * `describe` for tests that need `pkg`. Without it: skipped, with one line saying what to install;
 * under CI=true, one failing test instead, since CI must run every test.
 */
export function describeNeeding(pkg: SystemPackage, name: string, body: () => void): void {
  if (pkg.present) {
    describe(name, body);
  } else if (process.env["CI"] === "true") {
    describe(name, () => {
      it(`needs ${pkg.what}`, () => {
        throw new Error(`${pkg.what} is not installed, and CI runs every test: ${pkg.install}`);
      });
    });
  } else {
    process.stderr.write(`skipped "${name}": needs ${pkg.what}; install it with: ${pkg.install}\n`);
    describe.skip(name, body);
  }
}

/** Debian's interpreter, where apt's python3-torch, python3-h5py and python3-pil go (python3 on PATH may be another). */
export const DEBIAN_PYTHON = "/usr/bin/python3";

const debianPythonHas = (modules: string): boolean =>
  existsSync(DEBIAN_PYTHON) && spawnSync(DEBIAN_PYTHON, ["-c", `import ${modules}`], { stdio: "ignore", timeout: 60_000 }).status === 0;

export const PYTHON_TORCH: SystemPackage = {
  what: "PyTorch, h5py and Pillow for Debian's /usr/bin/python3 (python3-torch, python3-h5py, python3-pil)",
  install: "apt-get install -y python3-torch python3-h5py python3-pil",
  present: debianPythonHas("torch, h5py, PIL, numpy"),
};
