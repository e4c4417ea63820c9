import { MillraceError } from '../errors/index.js';
import type { CompileValidateView } from '../views/compile.js';

/** The error a compile command exits with after printing its diagnostics (exit 1, COMPILE_FAILED). */
export function compileFailedError(view: CompileValidateView): MillraceError {
  const kept = view.used_last_known_good ? 'the last known good plan is kept' : 'no plan is available';
  const [first, ...rest] = view.errors;
  const more = rest.length ? ` (and ${rest.length} more error${rest.length > 1 ? 's' : ''}, listed in ${view.diagnostics_path})` : '';
  return new MillraceError('COMPILE_FAILED', `mode ${view.mode_id} does not compile: ${first ?? 'compile failed'}${more}`, {
    file: view.diagnostics_path,
    hint: `${kept}; fix the errors and run \`millrace compile validate\` again`,
  });
}
