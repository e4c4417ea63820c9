import { BaseCommand } from '../cli/base-command.js';
import type { DoctorReport } from '../views/doctor.js';

export type DoctorResult = DoctorReport;

export default class Doctor extends BaseCommand {
  static override summary = 'Diagnose the workspace: locks, stale state, queue documents, assets, plan and plugins.';
  static override description = 'Read-only. Every problem is printed with a one-line remedy. Exits 1 when any error is found (warnings alone exit 0).';
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> doctor', '<%= config.bin %> doctor --json'];

  async run(): Promise<DoctorResult> {
    const { flags } = await this.parse(Doctor);
    const { buildDoctorReport, renderDoctorLines } = await import('../views/doctor.js');
    const { planCurrentness } = await import('../views/plan-currentness.js');
    const { detectLineageDrift } = await import('../runtime/decide/closure.js');
    const registry = await this.registry();
    const report = await buildDoctorReport(flags.workspace, { registry, planCurrentness: (paths, config) => planCurrentness({ paths, config, registry }), detectLineageDrift });
    if (!this.jsonEnabled()) for (const line of renderDoctorLines(report)) this.log(line);
    // The report is the output (also under --json); the exit code says whether anything is wrong.
    if (!report.ok) process.exitCode = 1;
    return report;
  }
}
