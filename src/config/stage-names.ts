import { CONFIG_STAGE_NAMES } from '../contracts/config.js';
import type { ConfigIssue } from './config-issues.js';

/**
 * Pure: `[stages.<name>]` tables that name no stage: neither a shipped or learning stage nor a stage kind an
 * installed plugin contributes. One `unrecognized_keys` issue at `stages`, like any other unknown config key.
 */
export function unknownStageIssues(stages: unknown, contributedStageKinds: Iterable<string> = []): ConfigIssue[] {
  if (typeof stages !== 'object' || stages === null || Array.isArray(stages)) return [];
  const known = new Set<string>([...CONFIG_STAGE_NAMES, ...contributedStageKinds]);
  const unknown = Object.keys(stages).filter((name) => !known.has(name));
  return unknown.length > 0 ? [{ code: 'unrecognized_keys', path: ['stages'], keys: unknown, message: 'unknown stage name' }] : [];
}
