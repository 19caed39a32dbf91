package dev.quarry.core.search;

/** One retrieved chunk: its id, its document's id and the retriever's score. */
public record ScoredChunkRef(String chunkId, String documentId, float score) {}
