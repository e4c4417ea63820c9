import { coreSkillPath, entrypointPath, legalMarkers, STAGE_METADATA } from '../../../src/contracts/stage-metadata.js';
import { SKILLS_INDEX_PATH, type AssetLintInput, type WorkDocumentParser } from '../../../src/compiler/entrypoint-lint.js';

/** A minimal, lint-clean in-memory asset set derived from the stage metadata; tests break one thing at a time. */
export function aCleanAssetSet(parseDocument: WorkDocumentParser = () => undefined): AssetLintInput & { files: Map<string, string> } {
  const files = new Map<string, string>();
  for (const stage of STAGE_METADATA) {
    const markers = legalMarkers(stage).map((m) => `- \`${m}\``).join('\n');
    files.set(
      entrypointPath(stage),
      `# ${stage.stage} entry instructions\n\nOpen \`${coreSkillPath(stage)}\` first.\n\n## Legal terminal markers\n\n${markers}\n\nPrint exactly one, as the last line.\n`,
    );
    files.set(coreSkillPath(stage), `---\nname: ${stage.stage}-core\n---\n# ${stage.stage} core\n`);
  }
  files.set(SKILLS_INDEX_PATH, `# Skills\n\n${STAGE_METADATA.map((s) => `- \`${coreSkillPath(s)}\``).join('\n')}\n`);
  return { stages: STAGE_METADATA, files, existingPaths: new Set(files.keys()), parseDocument };
}
