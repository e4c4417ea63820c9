import * as z from '@millrace/plugin-api/zod';

/** A kernel start time: clock ticks since boot, as `/proc/<pid>/stat` field 22 gives it. */
const StartTimeSchema = z.string().regex(/^\d+$/).nullable();

/** One running stage agent's process group, recorded before the agent starts (runtime.md, "Stage agents"). */
export const AgentGroupRecordSchema = z.strictObject({
  /** The group leader (the agent supervisor); the group id equals it. */
  pid: z.number().int().min(2),
  start_time: StartTimeSchema,
  run_id: z.string().min(1),
  owner_pid: z.number().int().min(1),
  owner_start_time: StartTimeSchema,
  registered_at: z.iso.datetime({ offset: true }),
});
export type AgentGroupRecord = z.infer<typeof AgentGroupRecordSchema>;

/** `state/agent_process_groups.json`. */
export const AgentGroupsFileSchema = z.strictObject({
  schema_version: z.literal('1.0'),
  kind: z.literal('agent_process_groups'),
  groups: z.array(AgentGroupRecordSchema),
});
export type AgentGroupsFile = z.infer<typeof AgentGroupsFileSchema>;
