import { isMessageId, renderMessage } from "../messages/catalogue.js";
import type { Recommendation } from "../store/analysis-schema.js";
import type { Finding } from "../store/analysis-schema.js";

export type { Recommendation } from "../store/analysis-schema.js";

/** The advice of every finding, filled in from the catalogue, in the order of the findings. */
export function recommendations(findings: Finding[]): Recommendation[] {
  return findings.flatMap((f) =>
    f.recommend.map((r) => {
      // Advice built with advice() always names a catalogue entry; one read from an old file may not.
      if (!isMessageId(r.template)) throw new Error(`no advice ${r.template} in the message catalogue`);
      return {
        findingId: f.id,
        template: r.template,
        knob: r.knob,
        value: r.value,
        expectedGain: r.gain,
        text: renderMessage(r.template, r.values),
        basis: f.basis,
      };
    }),
  );
}
