package dev.quarry.core.search;

/**
 * The re-ranking stage of a hit: the re-ranker, its raw score, the first-stage (fused) score it
 * was blended with, and the weight of the re-ranker's share.
 */
public record RerankExplanation(String reranker, double rerankScore, double firstStageScore, double weight) {}
