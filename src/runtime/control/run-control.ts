import type { MailboxEnvelope } from '../../contracts/mailbox.js';
import { requireInitializedWorkspace } from '../../workspace/initialized.js';
import { buildMailboxEnvelope, writeMailboxCommand } from '../../workspace/mailbox/index.js';
import type { WorkspacePaths } from '../../workspace/paths.js';
import { inspectLock } from '../../workspace/state/lock.js';
import { readSnapshot } from '../../workspace/state/snapshot-store.js';
import { createQueueAdapter } from '../queue-adapter.js';
import type { QueuePort } from '../queue-port.js';
import type { ControlRequest, ControlResult } from './control-result.js';
import { clearStaleStateDirect, pauseDirect, resumeDirect, retryActiveDirect, stopDirect, type DirectControlContext } from './direct-control.js';
import { planningRetryPrecheck } from './retry-selection.js';
import { decideOperatorResume, resumeRefusalLine } from '../decide/governance.js';
import { loadConfig } from '../../config/load.js';
import { readUsageLedger } from '../../workspace/state/usage-ledger.js';
import type { GovernanceInputs } from './direct-control.js';

/** The workspace config's governance and the ledger, for a resume with no daemon; null when the config does not load. */
async function loadGovernanceInputs(paths: WorkspacePaths): Promise<GovernanceInputs | null> {
  try {
    const { config } = await loadConfig({ workspaceRoot: paths.workspaceRoot });
    return { governance: config.usage_governance, records: config.usage_governance.enabled ? await readUsageLedger(paths) : [] };
  } catch {
    return null;
  }
}

export type RunControlOptions = {
  now?: Date;
  queue?: QueuePort;
  /** Direct reload-config (no daemon): recompile now, keeping the last known good plan on failure. */
  reloadDirect?: (paths: WorkspacePaths) => Promise<ControlResult>;
};

function envelopeFor(request: ControlRequest, now: Date): MailboxEnvelope {
  switch (request.action) {
    case 'retry_active':
      return buildMailboxEnvelope('retry_active', { reason: request.reason, ...(request.scope ? { scope: request.scope } : {}), ...(request.item ? { item: request.item } : {}) }, now);
    case 'clear_stale_state':
      return buildMailboxEnvelope('clear_stale_state', { reason: request.reason }, now);
    case 'resume':
      return buildMailboxEnvelope('resume', request.force ? { force: true } : {}, now);
    default:
      return buildMailboxEnvelope(request.action, {}, now);
  }
}

async function viaMailbox(paths: WorkspacePaths, request: ControlRequest, now: Date): Promise<ControlResult> {
  const envelope = envelopeFor(request, now);
  const mailboxPath = await writeMailboxCommand(paths, envelope);
  // The daemon keeps a governance pause on a plain resume: say so now, from the snapshot it last saved.
  const refused = request.action === 'resume' && !request.force ? decideOperatorResume(await readSnapshot(paths), false).refusedBy : [];
  return {
    ...(refused.length > 0 ? { usage_governance: resumeRefusalLine(refused) } : {}),
    action: request.action,
    mode: 'mailbox',
    applied: false,
    detail: request.action === 'reload_config' ? 'queued for daemon processing on the next runtime tick' : 'queued for daemon processing',
    command_id: envelope.command_id,
    mailbox_path: mailboxPath,
  };
}

async function applyDirect(paths: WorkspacePaths, request: ControlRequest, options: RunControlOptions, now: Date): Promise<ControlResult> {
  const ctx: DirectControlContext = { paths, queue: options.queue ?? createQueueAdapter(paths), now };
  switch (request.action) {
    case 'pause':
      return pauseDirect(ctx);
    case 'resume':
      return resumeDirect(ctx, request.force === true, () => loadGovernanceInputs(paths));
    case 'stop':
      return stopDirect(ctx);
    case 'retry_active':
      return retryActiveDirect(ctx, request.reason, request.scope ?? null, request.item ?? null);
    case 'clear_stale_state':
      return clearStaleStateDirect(ctx, request.reason);
    case 'reload_config':
      return options.reloadDirect ? options.reloadDirect(paths) : { action: 'reload_config', mode: 'direct', applied: false, detail: 'no daemon running; reload request not enqueued' };
  }
}

/**
 * The one control entry point (control-and-inspection.md §1): a live owner of the workspace lock gets a mailbox
 * command it applies at its next tick; otherwise the change is applied to the state files right away.
 */
export async function runControl(workspace: string, request: ControlRequest, options: RunControlOptions = {}): Promise<ControlResult> {
  const paths = requireInitializedWorkspace(workspace);
  const now = options.now ?? new Date();
  if (request.action === 'retry_active' && request.scope === 'planning') {
    const refusal = planningRetryPrecheck(await readSnapshot(paths));
    if (refusal) return { action: 'retry_active', mode: 'direct', applied: false, detail: refusal };
  }
  const lock = await inspectLock(paths);
  if (lock.state === 'active') return viaMailbox(paths, request, now);
  return applyDirect(paths, request, options, now);
}

