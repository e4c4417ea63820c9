import { sep } from 'node:path';
import type { WorkDocument, WorkDocumentKind } from '../../contracts/documents.js';
import type { QueueState } from '../../contracts/queue-move.js';
import { MillraceError } from '../../errors/index.js';
import { formatProblem } from '../documents/problems.js';
import type { WorkspacePaths } from '../paths.js';
import type { ScannedFolder } from './cache-columns.js';
import { displayPath } from './layout.js';
import type { QueueItem, QueueLocation } from './queue-files.js';
import { readQueueFileSync } from './read-queue-file.js';
import type { ClaimFacts } from './select.js';

/**
 * A valid item listed by a one-shot scan: its claim facts (from the cache's columns, made whenever asked for, or
 * from a fresh parse) and its `document`, the file parsed when first asked for (when the file changed into an invalid
 * document since the facts were taken, that read says so). Path, claim and document live on the prototype, so an item
 * is a few fields; equality sees kind, state and id.
 */
export class ListedQueueItem implements QueueItem {
  readonly kind: WorkDocumentKind;
  readonly state: QueueState;
  readonly id: string;
  readonly #folder: ScannedFolder;
  readonly #position: number;
  #claim: ClaimFacts | undefined;
  #document: WorkDocument | undefined;

  constructor(folder: ScannedFolder, id: string, position: number, claim?: ClaimFacts) {
    this.kind = folder.kind;
    this.state = folder.state;
    this.id = id;
    this.#folder = folder;
    this.#position = position;
    this.#claim = claim;
  }

  get path(): string {
    return `${this.#folder.dir}${sep}${this.id}.md`;
  }

  /** Not kept once made: selection reads every queued item's claim once or twice, and 10,000 kept claims were ~1 MB. */
  get claim(): ClaimFacts {
    return this.#claim ?? this.#folder.claimAt(this.#position);
  }

  get document(): WorkDocument {
    return (this.#document ??= documentNow(this, this.#folder.paths));
  }
}

function documentNow(item: ListedQueueItem, paths: WorkspacePaths): WorkDocument {
  const location: QueueLocation = { kind: item.kind, state: item.state, id: item.id, path: item.path };
  const parsed = readQueueFileSync(paths, location);
  const file = displayPath(paths, location.path);
  if (parsed === undefined) throw new MillraceError('NOT_FOUND', `${file}: moved or removed while being read`, { file });
  if ('problems' in parsed) throw new MillraceError('DOCUMENT_INVALID', parsed.problems.map(formatProblem).join('\n'), { file });
  return parsed.document;
}
