import { aStageRunRequest } from '@millrace/plugin-api/testing';
import { buildCommandEnv } from '../../src/env.js';
import { CommandRunnerConfigSchema } from '../../src/config.js';

describe('command runner env and config', () => {
  it('exposes the request through MILLRACE_* variables, configured env last', () => {
    const request = aStageRunRequest('/ws/millrace-agents');
    const env = buildCommandEnv(request, '/ws/req.json', { MILLRACE_STAGE: 'override', EXTRA: '1' });
    expect(env).toMatchObject({ MILLRACE_REQUEST_PATH: '/ws/req.json', MILLRACE_PLANE: 'execution', MILLRACE_RUN_ID: request.run_id, MILLRACE_RUN_DIR: request.run_dir, MILLRACE_WORK_ITEM_ID: 'T-1', MILLRACE_WORK_ITEM_PATH: request.active_work_item_path, MILLRACE_STAGE: 'override', EXTRA: '1' });
  });

  it('requires a command and rejects unknown keys', () => {
    expect(CommandRunnerConfigSchema.safeParse({}).success).toBe(false);
    expect(CommandRunnerConfigSchema.safeParse({ command: 'x', bogus: 1 }).success).toBe(false);
    expect(CommandRunnerConfigSchema.parse({ command: 'claude', args: ['-p'] })).toEqual({ command: 'claude', args: ['-p'], env: {} });
  });
});
