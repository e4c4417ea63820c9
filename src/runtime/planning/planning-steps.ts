import type { PostResultHook } from '../tick-steps.js';
import { checkLineageDriftAfterManager } from '../closure/closure-steps.js';
import { checkPlanningOutput } from './stage-output.js';

/**
 * After a planning work item finishes: validate and stamp what its stages wrote, then (Manager with an open
 * closure target) check the lineage for drift.
 */
export const afterPlanningResult: PostResultHook = async (ctx, result) => {
  const report = await checkPlanningOutput(ctx.paths, result);
  for (const doc of report.invalid) {
    await ctx.appendEvent('planning_document_invalid', { run_id: result.run_id, stage: result.stage, path: doc.path, problems: doc.problems });
  }
  for (const doc of report.stamped) {
    await ctx.appendEvent('planning_lineage_stamped', { run_id: result.run_id, work_item_kind: doc.kind, work_item_id: doc.id, path: doc.path, fields: doc.fields });
  }
  if (result.stage_kind_id === 'manager') await checkLineageDriftAfterManager(ctx);
};
