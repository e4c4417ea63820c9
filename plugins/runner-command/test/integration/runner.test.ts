import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aStageRunRequest, checkRawResultConformance } from '@millrace/plugin-api/testing';
import { commandRunner, USAGE_FILE_MAX_BYTES } from '../../src/runner.js';

const setup = () => {
  const ws = mkdtempSync(join(tmpdir(), 'runner-command-'));
  const runtimeRoot = join(ws, 'millrace-agents');
  return { ws, runtimeRoot, request: aStageRunRequest(runtimeRoot, { timeout_seconds: 30 }) };
};
const node = (script: string) => ({ command: process.execPath, args: ['-e', script] });

describe('command runner (real child processes)', () => {
  it('passes the prompt on stdin and the request through env; captures stdout/stderr; conforms', async () => {
    const { ws, runtimeRoot, request } = setup();
    const script = `let p='';process.stdin.on('data',c=>p+=c);process.stdin.on('end',()=>{const r=JSON.parse(require('fs').readFileSync(process.env.MILLRACE_REQUEST_PATH,'utf8'));console.error('cwd='+process.cwd());console.log(p.split('\\n')[0]);console.log('stage='+process.env.MILLRACE_STAGE+' req='+r.request_id);console.log('### BUILDER_COMPLETE')})`;
    const raw = await commandRunner.run(request, { workspaceRoot: ws, runtimeRoot, config: node(script) });
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw).toMatchObject({ exit_kind: 'completed', exit_code: 0, runner_name: 'command' });
    const stdout = readFileSync(raw.stdout_path!, 'utf8');
    expect(stdout).toContain('You are executing one Millrace runtime stage request.');
    expect(stdout).toContain(`stage=builder req=${request.request_id}`);
    expect(readFileSync(raw.stderr_path!, 'utf8')).toContain(`cwd=${ws}`);
    for (const f of ['runner_prompt', 'runner_invocation', 'runner_completion']) expect(existsSync(join(request.run_dir, `${f}.${request.request_id}.${f === 'runner_prompt' ? 'md' : 'json'}`))).toBe(true);
  });

  it('reports a non-zero exit and a missing binary as runner errors', async () => {
    const { ws, runtimeRoot, request } = setup();
    const failed = await commandRunner.run(request, { workspaceRoot: ws, runtimeRoot, config: node('process.exit(3)') });
    expect(failed).toMatchObject({ exit_kind: 'runner_error', exit_code: 3, failure_class: 'runner_non_zero_exit' });
    const missing = await commandRunner.run(request, { workspaceRoot: ws, runtimeRoot, config: { command: join(ws, 'no-such-agent') } });
    expect(missing).toMatchObject({ exit_kind: 'runner_error', exit_code: 127, failure_class: 'runner_binary_not_found' });
    expect(checkRawResultConformance(request, missing)).toEqual([]);
  });

  it('reports a tool ended by a signal it was not sent by the runtime as a transport failure', async () => {
    const { ws, runtimeRoot, request } = setup();
    const raw = await commandRunner.run(request, { workspaceRoot: ws, runtimeRoot, config: node("process.kill(process.pid, 'SIGKILL')") });
    expect(raw).toMatchObject({ exit_kind: 'runner_error', exit_code: 1, failure_class: 'runner_transport_failure', notes: ['runner process was killed with SIGKILL'] });
    expect(readFileSync(raw.stderr_path!, 'utf8')).toBe('runner process error: runner process was killed with SIGKILL\n');
    expect(checkRawResultConformance(request, raw)).toEqual([]);
  });

  it('kills the whole process tree on timeout', async () => {
    const { ws, runtimeRoot, request } = setup();
    const pidFile = join(ws, 'grandchild.pid');
    const script = `const c=require('child_process').spawn(process.execPath,['-e','setInterval(()=>{},1000)'],{stdio:'ignore'});require('fs').writeFileSync(${JSON.stringify(pidFile)},String(c.pid));setInterval(()=>{},1000)`;
    const started = Date.now();
    const raw = await commandRunner.run(request, { workspaceRoot: ws, runtimeRoot, config: { ...node(script), timeout_seconds: 1 } });
    expect(raw).toMatchObject({ exit_kind: 'timeout', exit_code: 124 });
    expect(Date.now() - started).toBeLessThan(10_000);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
    // Gone, or a zombie waiting for a reaper (containers often lack one): either way not running.
    const state = existsSync(`/proc/${grandchild}/stat`) ? readFileSync(`/proc/${grandchild}/stat`, 'utf8').split(') ')[1]?.[0] : 'gone';
    expect(['gone', 'Z', 'X']).toContain(state);
  });

  it('reports interrupted when the runtime aborts', async () => {
    const { ws, runtimeRoot, request } = setup();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const raw = await commandRunner.run(request, { workspaceRoot: ws, runtimeRoot, config: node('setInterval(()=>{},1000)'), signal: controller.signal });
    expect(raw.exit_kind).toBe('interrupted');
  });

  it('reports each output line (stdout and stderr) as activity while the tool runs', async () => {
    const { ws, runtimeRoot, request } = setup();
    const script = `process.stdin.resume();process.stdin.on('end',()=>{console.log('reading the task');console.error('warn: slow disk');process.stdout.write('partial ');setTimeout(()=>{console.log('line');console.log('### BUILDER_COMPLETE')},50)})`;
    const seen: Array<{ kind: string; text: string }> = [];
    const raw = await commandRunner.run(request, { workspaceRoot: ws, runtimeRoot, config: node(script), onActivity: (a) => seen.push({ kind: a.kind, text: a.text }) });
    expect(raw.exit_kind).toBe('completed');
    expect(seen.map((a) => a.text).sort()).toEqual(['### BUILDER_COMPLETE', 'partial line', 'reading the task', 'warn: slow disk']);
    expect(new Set(seen.map((a) => a.kind))).toEqual(new Set(['output']));
    expect(readFileSync(raw.stdout_path!, 'utf8')).toBe('reading the task\npartial line\n### BUILDER_COMPLETE\n');
  });

  it('takes token usage, model and cost from the file the tool writes to $MILLRACE_USAGE_PATH', async () => {
    const { ws, runtimeRoot, request } = setup();
    const usage = { model: 'wrapped-model', input_tokens: 1000, cached_input_tokens: 200, output_tokens: 50, cost_usd: 0.0125 };
    const script = `require('fs').writeFileSync(process.env.MILLRACE_USAGE_PATH, ${JSON.stringify(JSON.stringify(usage))});console.log('### BUILDER_COMPLETE')`;
    const raw = await commandRunner.run(request, { workspaceRoot: ws, runtimeRoot, config: node(script) });
    expect(checkRawResultConformance(request, raw)).toEqual([]);
    expect(raw.token_usage).toEqual({ input_tokens: 1000, cached_input_tokens: 200, cache_write_input_tokens: 0, output_tokens: 50, thinking_tokens: 0, total_tokens: 1050 });
    expect(raw).toMatchObject({ model_name: 'wrapped-model', cost_usd: 0.0125 });
  });

  it('ignores a malformed usage file with a note and no usage', async () => {
    const { ws, runtimeRoot, request } = setup();
    const script = `require('fs').writeFileSync(process.env.MILLRACE_USAGE_PATH, '{"input_tokens": -5}');console.log('### BUILDER_COMPLETE')`;
    const raw = await commandRunner.run(request, { workspaceRoot: ws, runtimeRoot, config: node(script) });
    expect(raw).toMatchObject({ exit_kind: 'completed', token_usage: null, cost_usd: null });
    expect(raw.notes.join('\n')).toMatch(/ignored .*runner_usage\..*\.json: input_tokens: /);
    const silent = await commandRunner.run(request, { workspaceRoot: ws, runtimeRoot, config: node(`console.log('### BUILDER_COMPLETE')`) });
    expect(silent).toMatchObject({ token_usage: null, cost_usd: null, notes: [] });
  });

  it('ignores, with a note and without blocking or reading it, a usage path that is a FIFO or a file over the limit', async () => {
    const { ws, runtimeRoot, request } = setup();
    const seen: string[] = [];
    const fifo = `require('child_process').execFileSync('mkfifo', [process.env.MILLRACE_USAGE_PATH]);console.log('made a fifo');setTimeout(()=>console.log('### BUILDER_COMPLETE'),700)`;
    const raw = await commandRunner.run(request, { workspaceRoot: ws, runtimeRoot, config: node(fifo), onActivity: (a) => seen.push(a.text) });
    expect(raw).toMatchObject({ exit_kind: 'completed', token_usage: null });
    expect(readFileSync(raw.stdout_path!, 'utf8')).toBe('made a fifo\n### BUILDER_COMPLETE\n');
    expect(raw.notes.join('\n')).toMatch(/ignored .*runner_usage\..*\.json: not a regular file/);
    expect(seen).toContain('made a fifo');
    const huge = `require('fs').writeFileSync(process.env.MILLRACE_USAGE_PATH, '{"input_tokens": 1' + ' '.repeat(${USAGE_FILE_MAX_BYTES}) + '}');console.log('### BUILDER_COMPLETE')`;
    const big = await commandRunner.run(request, { workspaceRoot: ws, runtimeRoot, config: node(huge) });
    expect(big).toMatchObject({ exit_kind: 'completed', token_usage: null });
    expect(big.notes.join('\n')).toMatch(new RegExp(`ignored .*runner_usage\\..*\\.json: larger than ${USAGE_FILE_MAX_BYTES} bytes \\(${USAGE_FILE_MAX_BYTES + 19}\\)`));
  });
});
