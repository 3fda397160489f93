import { message } from "./catalogue.js";

/**
 * What the hit rates shown are: the last epoch's, "once warm" when there was an epoch before it;
 * with --epochs 1 the only epoch is the cold first pass, and the words say so.
 */
export function warmPhrase(epochs: number): string {
  return epochs > 1 ? message("h5.warm.once") : message("h5.warm.cold-epoch");
}
