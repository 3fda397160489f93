/** Findings' summaries and their clauses, by detector. */
export const RUN_FINDING_MESSAGES = {} as const;
