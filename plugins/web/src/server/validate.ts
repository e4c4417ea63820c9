/**
 * Path parameters are checked against these before anything is read; anything else is a 404 (never an error
 * that echoes the input). Ids are one path segment that cannot start with a dot, so `.` and `..` never pass.
 */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export const isWorkspaceIndex = (value: string, count: number): boolean => /^(0|[1-9][0-9]{0,2})$/.test(value) && Number(value) < count;
export const isRunId = (value: string): boolean => SEGMENT.test(value);
export const isItemId = (value: string): boolean => SEGMENT.test(value);

/** A run artifact name: `/`-separated segments, each a safe segment. */
export const isArtifactName = (value: string): boolean => value.length <= 512 && value.split('/').every((part) => SEGMENT.test(part));
