import { Flags } from '@oclif/core';
import { BaseCommand } from '../../cli/base-command.js';
import type { ConfigValidation } from '../../runtime/validate-config.js';

export type ConfigValidateResult = ConfigValidation;

export default class ConfigValidate extends BaseCommand {
  static override summary = 'Validate the config of a workspace and compile it.';
  static override description =
    "Loads and validates the effective config (each runner section with its plugin's schema), then compiles the plan and persists it with its diagnostics. Invalid config prints one line per problem (file: key.path: expected vs received) and exits 1; a config that does not compile exits 1 with COMPILE_FAILED. A runner the plan binds that cannot run here (its executable not found) is reported in one line with its remedy; `run` refuses to start until it is fixed.";
  static override enableJsonFlag = true;
  static override examples = ['<%= config.bin %> config validate', '<%= config.bin %> config validate --mode default_pi --json'];
  static override flags = {
    mode: Flags.string({ summary: 'Compile this mode instead of runtime.default_mode.' }),
  };

  async run(): Promise<ConfigValidateResult> {
    const { flags } = await this.parse(ConfigValidate);
    const { validateWorkspaceConfig } = await import('../../runtime/validate-config.js');
    const result = await validateWorkspaceConfig({ workspaceRoot: flags.workspace, registry: await this.registry(), modeId: flags.mode });
    for (const warning of [...result.warnings, ...result.compile.warnings]) this.addWarning(warning);
    const { unavailableRunnerWarning } = await import('../../views/compile.js');
    if (this.jsonEnabled()) for (const runner of result.unavailable_runners) this.warnings.push(unavailableRunnerWarning(runner));
    else {
      this.log(`config: valid (${result.sources.length ? result.sources.join(', ') : 'defaults only'})`);
      this.log(`compile: ${result.compile.status} mode=${result.compile.mode_id} plan=${result.compile.compiled_plan_id}`);
      for (const runner of result.unavailable_runners) this.log(`warning: ${unavailableRunnerWarning(runner)}`);
    }
    return result;
  }
}
