/** One answer of the fake model: either one shell tool call or the final text. */
export type FakeStep = { shell: string } | { text: string };

/** What the fake model does for one conversation; the step is chosen by the number of tool results already sent. */
export type FakeScenario = {
  steps: FakeStep[];
  /** Wait this long before streaming each response (timeout and abort tests). */
  delayMs: number;
  /** Wait this long between text deltas. */
  chunkDelayMs: number;
  /** Answer every request with this HTTP status instead of a stream (0 = no error). */
  errorStatus: number;
};

export const DEFAULT_FAKE_REPLY = 'Fake model done.\n### BUILDER_COMPLETE';

/**
 * Reads `@@fake-*` directives from the user text of a request:
 * `@@fake-shell: <cmd>` (one tool call per line, in order), `@@fake-reply: <text>` (`\n` becomes a newline),
 * `@@fake-delay-ms: N`, `@@fake-chunk-delay-ms: N`, `@@fake-error: <status>`.
 */
export function parseFakeDirectives(userText: string): FakeScenario {
  const steps: FakeStep[] = [];
  let reply: string | undefined;
  let delayMs = 0;
  let chunkDelayMs = 0;
  let errorStatus = 0;
  for (const line of userText.split('\n')) {
    const directive = /@@fake-([a-z-]+):\s?(.*)$/.exec(line);
    if (!directive) continue;
    const [, name, value = ''] = directive;
    if (name === 'shell') steps.push({ shell: value });
    else if (name === 'reply') reply = value.replace(/\\n/g, '\n');
    else if (name === 'delay-ms') delayMs = Number.parseInt(value, 10) || 0;
    else if (name === 'chunk-delay-ms') chunkDelayMs = Number.parseInt(value, 10) || 0;
    else if (name === 'error') errorStatus = Number.parseInt(value, 10) || 0;
  }
  steps.push({ text: reply ?? DEFAULT_FAKE_REPLY });
  return { steps, delayMs, chunkDelayMs, errorStatus };
}

/** The legal markers a Millrace stage prompt announces (`Legal markers for this stage: \`### A\`, \`### B\`.`). */
export function legalMarkersInPrompt(userText: string): string[] {
  const line = userText.split('\n').find((l) => l.startsWith('Legal markers for this stage:'));
  if (!line) return [];
  return [...line.matchAll(/`(### [A-Z_]+)`/g)].map((m) => m[1] ?? '').filter(Boolean);
}

/** The `Stage: <name>` line of a Millrace stage prompt, if present. */
export function stageInPrompt(userText: string): string | undefined {
  return /^Stage: ([a-z_]+)$/m.exec(userText)?.[1];
}
