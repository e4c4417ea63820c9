import * as z from './zod.js';

export const PlaneSchema = z.enum(['execution', 'planning', 'learning']);
export type Plane = z.infer<typeof PlaneSchema>;

export const EXECUTION_STAGES = ['builder', 'checker', 'fixer', 'doublechecker', 'updater', 'troubleshooter', 'consultant'] as const;
export const PLANNING_STAGES = ['planner', 'manager', 'mechanic', 'auditor', 'arbiter'] as const;
export const STAGE_NAMES = [...EXECUTION_STAGES, ...PLANNING_STAGES] as const;
export const StageNameSchema = z.enum(STAGE_NAMES);
export type StageName = z.infer<typeof StageNameSchema>;

export const ResultClassSchema = z.enum(['success', 'followup_needed', 'recoverable_failure', 'escalate_planning', 'blocked']);
export type ResultClass = z.infer<typeof ResultClassSchema>;

export const WorkItemKindSchema = z.enum(['task', 'spec', 'incident', 'learning_request']);
export type WorkItemKind = z.infer<typeof WorkItemKindSchema>;

export const RequestKindSchema = z.enum(['active_work_item', 'closure_target', 'learning_request']);
export type RequestKind = z.infer<typeof RequestKindSchema>;

export const ExitKindSchema = z.enum(['completed', 'timeout', 'runner_error', 'provider_error', 'interrupted']);
export type ExitKind = z.infer<typeof ExitKindSchema>;

/** Canonical ids: lower-case words joined by `.`, `_` or `-` (e.g. `execution.standard`). */
export const CANONICAL_ID_PATTERN = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** Status tokens: outcomes and running markers (e.g. `BUILDER_COMPLETE`). */
export const STATUS_TOKEN_PATTERN = /^[A-Z][A-Z0-9_]*$/;
/** A terminal marker line as printed by a stage agent. */
export const MARKER_LINE_PATTERN = /^###\s+([A-Z_]+)\s*$/;

export const CanonicalIdSchema = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.string().regex(CANONICAL_ID_PATTERN, 'must be a canonical id (lower-case words joined by . _ or -)'));

/**
 * The stage a request, result or active run names: one of STAGE_NAMES or the id of a plugin-contributed stage kind
 * (for both, the stage equals its stage kind id).
 */
export const StageIdSchema = CanonicalIdSchema;
export type StageId = z.infer<typeof StageIdSchema>;

export const StatusTokenSchema = z
  .string()
  .transform((v) => v.trim().toUpperCase())
  .pipe(z.string().regex(STATUS_TOKEN_PATTERN, 'must be an upper-case status token'));
