package dev.quarry.core.index;

/** Counts of an index as of {@code generation}. */
public record IndexStats(long documents, long chunks, long generation, long sizeBytes) {}
