package dev.quarry.core.search;

/** One retriever's part in a fused result: its 1-based rank and raw score. */
public record Contribution(String retriever, int rank, double score) {}
