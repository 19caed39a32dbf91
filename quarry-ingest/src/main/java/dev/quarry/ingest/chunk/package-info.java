/**
 * Chunkers measuring in the embedding model's own tokens: {@link
 * dev.quarry.ingest.chunk.TokenWindowChunker}, {@link dev.quarry.ingest.chunk.RecursiveChunker} and
 * {@link dev.quarry.ingest.chunk.SentenceChunker}, built from a config by {@link
 * dev.quarry.ingest.chunk.Chunkers#create}.
 *
 * <p>How they work: a document is tokenized once and chunks are planned on token indices (cuts only
 * between tokens, preferring word breaks); the title is tokenized once per document to decide the
 * embedding header. Every chunk's embedding text ({@code title + "\n\n" + text}, or the text alone
 * when the title would take more than a quarter of the budget) is then tokenized once to check it
 * against {@code min(maxTokens, tokenizer.maxContentTokens())}, and a chunk that a tokenizer's
 * context effects push over is split further, so the budget holds for any tokenizer. Chunk text is
 * exactly the source substring at its offsets, trimmed of whitespace; no non-whitespace character
 * of the source is left out.
 */
package dev.quarry.ingest.chunk;
