import type { StageRunRequest } from '@millrace/plugin-api';

/** Pure: the MILLRACE_* variables a wrapped agent receives, overlaid by the configured env. */
export function buildCommandEnv(request: StageRunRequest, requestPath: string, configured: Record<string, string>): Record<string, string> {
  return {
    MILLRACE_REQUEST_PATH: requestPath,
    MILLRACE_REQUEST_ID: request.request_id,
    MILLRACE_STAGE: request.stage,
    MILLRACE_PLANE: request.plane,
    MILLRACE_NODE_ID: request.node_id,
    MILLRACE_RUN_ID: request.run_id,
    MILLRACE_RUN_DIR: request.run_dir,
    MILLRACE_WORK_ITEM_KIND: request.active_work_item_kind ?? '',
    MILLRACE_WORK_ITEM_ID: request.active_work_item_id ?? request.closure_target_root_spec_id ?? '',
    MILLRACE_WORK_ITEM_PATH: request.active_work_item_path ?? '',
    MILLRACE_ENTRYPOINT_PATH: request.entrypoint_path,
    MILLRACE_LEGAL_MARKERS: request.legal_terminal_markers.join('\n'),
    ...configured,
  };
}
