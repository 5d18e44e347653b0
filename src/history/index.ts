/** The run history: its file format (on text, for a file kept anywhere) and the file on disk. */
export { countBits, decodeBits, encodeBits, idsHash } from './bitset.js';
export { type SuiteReference, storedOutcomes, suiteReferences } from './select.js';
export { appendHistoryFile, readHistoryFile } from './store.js';
export {
  appendRuns,
  createHistoryReader,
  DEFAULT_HISTORY_FILE,
  type HistoryEntry,
  type ParsedHistory,
  type PruneNote,
  parseHistory,
  parseHistory as readHistory,
  pruneHistory,
  serializeEntries,
} from './text.js';
export * from './types.js';
