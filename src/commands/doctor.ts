import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base-command.js';
import { OUTCOME_EXIT_CODES } from '../errors/index.js';
import type { StateRepair } from '../runtime/control/repair-state.js';
import type { WorktreeRepair } from '../runtime/control/repair-worktrees.js';
import type { DoctorReport } from '../views/doctor.js';

export type DoctorResult = DoctorReport & { repair?: StateRepair & { worktrees: WorktreeRepair[] } };

export default class Doctor extends BaseCommand {
  static override summary = 'Diagnose the workspace: locks, stale state, queue documents, assets, plan and plugins.';
  static override description =
    'Read-only unless --fix. Every problem is printed with a one-line remedy. Exits 1 when any error is found (warnings alone exit 0). ' +
    '--fix (no runtime may be running) moves every bad state file to millrace-agents/state/quarantine/<time>-<name>, ends stage agents that outlived their daemon (identity checked), rebuilds an idle state from the queue folders (active work is requeued), ' +
    'cleans lane leftovers (stale git index locks; orphan task worktrees, their uncommitted changes committed to the branch first; task branches whose commits are all on the base branch) and then diagnoses again.';
  static override enableJsonFlag = true;
  static override flags = {
    fix: Flags.boolean({ summary: 'Quarantine bad state files, end orphaned stage agents and rebuild the runtime state from the queue folders, then diagnose.', default: false }),
  };
  static override examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --json', '<%= config.bin %> doctor --fix'];

  async run(): Promise<DoctorResult> {
    const { flags } = await this.parse(Doctor);
    const { buildDoctorReport, renderDoctorLines } = await import('../views/doctor.js');
    const { planCurrentness } = await import('../views/plan-currentness.js');
    const { detectLineageDrift } = await import('../runtime/decide/closure.js');
    const { unavailableRunnersAt } = await import('../runtime/compile-workspace.js');
    let repair: DoctorResult['repair'];
    const registry = await this.registry();
    if (flags.fix) {
      const { repairState } = await import('../runtime/control/repair-state.js');
      const { repairTaskWorktrees } = await import('../runtime/control/repair-worktrees.js');
      const state = await repairState(flags.workspace);
      repair = { ...state, worktrees: await repairTaskWorktrees(flags.workspace, registry) };
      if (!this.jsonEnabled()) {
        for (const q of repair.quarantined) this.log(`quarantined: ${q.file} -> ${q.moved_to} (${q.reason})`);
        for (const g of repair.ended_agent_groups) this.log(`ended: agent process group ${g.pid} of run ${g.run_id} (${g.processes} processes${g.forced ? ', killed after the grace period' : ''})`);
        this.log(`rebuilt: ${repair.cleared.detail}`);
        for (const w of repair.worktrees) this.log(`worktree repair: ${w.action} ${w.target} (${w.detail})`);
      }
    }
    const report = await buildDoctorReport(flags.workspace, { registry, planCurrentness: (paths, config) => planCurrentness({ paths, config, registry }), detectLineageDrift, unavailableRunners: (paths, config) => unavailableRunnersAt({ paths, config, registry: registry }) });
    if (!this.jsonEnabled()) for (const line of renderDoctorLines(report)) this.log(line);
    // The report is the output (also under --json); the exit code says whether anything is wrong.
    if (!report.ok) process.exitCode = OUTCOME_EXIT_CODES.DOCTOR_FINDINGS;
    return repair ? { ...report, repair } : report;
  }
}
