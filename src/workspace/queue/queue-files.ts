import type { WorkDocument, WorkDocumentKind } from '../../contracts/documents.js';
import type { QueueState } from '../../contracts/queue-move.js';
import type { DocumentProblem } from '../documents/problems.js';
import type { ClaimFacts } from './select.js';

/** Shapes of what a queue scan finds (scan.ts finds them, parse-cache.ts remembers them). */

export type QueueLocation = { kind: WorkDocumentKind; state: QueueState; id: string; path: string };
/** A valid document in a queue folder (its id equals the file stem). */
export type QueueItem = QueueLocation & { document: WorkDocument; claim: ClaimFacts };
/** A `*.md` file in a queue folder that does not parse or whose id differs from its file name. Never deleted. */
export type InvalidQueueFile = QueueLocation & { problems: DocumentProblem[] };
/** One scanned file: valid or not. */
export type ParsedQueueFile = QueueItem | InvalidQueueFile;
/** The same id in more than one folder of the same kind (a crashed move or a hand copy; `repairQueue` fixes it). */
export type DuplicateQueueId = { kind: WorkDocumentKind; id: string; locations: QueueLocation[] };

export type QueueListing = { items: QueueItem[]; invalid: InvalidQueueFile[]; duplicates: DuplicateQueueId[] };

/** Which folders of which kinds a scan covers. */
export type ScanScope = Partial<Record<WorkDocumentKind, readonly QueueState[]>>;
