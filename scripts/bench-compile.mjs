// In-process compile of the standard mode (default_codex) from the built output: the real host and codex plugin
// contributions, a fully defaulted config, and hashes for every shipped entrypoint and skill. Target: median < 100 ms.
// Usage: npm run build && node scripts/bench-compile.mjs [iterations]
import { performance } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const load = (path) => import(join(root, path));

const [{ compilePlan }, { buildRegistry }, hostHook, codexHook, { coreSkillPath, entrypointPath, STAGE_METADATA }, { MillraceConfigSchema }] = await Promise.all([
  load('dist/compiler/compile-plan.js'),
  load('dist/registry/registry.js'),
  load('dist/hooks/contribute.js'),
  load('plugins/runner-codex-cli/dist/hooks/contribute.js'),
  load('dist/contracts/stage-metadata.js'),
  load('dist/contracts/config.js'),
]);

const registry = buildRegistry(
  [
    { plugin: { name: 'millrace', version: '0.1.0', type: 'core' }, result: await hostHook.default() },
    { plugin: { name: '@millrace/runner-codex-cli', version: '0.1.0', type: 'core' }, result: await codexHook.default() },
  ],
  [],
);
const assetHashes = new Map(STAGE_METADATA.flatMap((m, i) => [[entrypointPath(m), String(i).padStart(64, 'a')], [coreSkillPath(m), String(i).padStart(64, 'b')]]));
const config = MillraceConfigSchema.parse({});
const inputs = { requestedModeId: 'default_codex', config, registry, assetHashes, now: new Date().toISOString() };

const iterations = Number(process.argv[2] ?? 50);
const first = performance.now();
const result = compilePlan(inputs);
const coldMs = performance.now() - first;
if (!result.ok) {
  console.error(`compile failed: ${result.diagnostics.errors.join('; ')}`);
  process.exit(1);
}
const samples = [];
for (let i = 0; i < iterations; i++) {
  const start = performance.now();
  compilePlan(inputs);
  samples.push(performance.now() - start);
}
samples.sort((a, b) => a - b);
const median = samples[Math.floor(samples.length / 2)];
const p95 = samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.95))];
console.log(`compile default_codex (${result.plan.compiled_plan_id}): cold ${coldMs.toFixed(2)} ms, median ${median.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms over ${iterations} runs (target < 100 ms)`);
process.exit(median < 100 ? 0 : 1);
