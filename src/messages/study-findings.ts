/** Findings' summaries and their clauses, by detector. */
export const STUDY_FINDING_MESSAGES = {} as const;
