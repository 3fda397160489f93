/** The run's answer: the Best line and the comparisons beneath it. */
export const ANSWER_MESSAGES = {} as const;
