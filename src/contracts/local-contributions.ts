/** One operator-edited JSON file under `millrace-agents/modes/` or `millrace-agents/graphs/`. */
export type LocalContributionFile = { kind: 'mode' | 'loop'; file: string; data: unknown };
export type LocalContributionProblem = { file: string; message: string };
