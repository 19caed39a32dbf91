package dev.quarry.rerank.crossencoder;

/**
 * A BERT-shaped cross-encoder graph built in the test: BERT's three int64 [batch, sequence]
 * inputs, a float [batch, 1] {@code logits} output. Inside: token and token-type embeddings
 * (Gather, Add), zeroed at padding by the attention mask (Cast, Unsqueeze, Mul), summed over the
 * sequence (ReduceSum) and projected to one logit (MatMul, Add). So
 * {@code logit = bias + sum over real tokens t of (E[id_t] + T[type_t]) . w}, which the test
 * computes independently. Row 0 of E (BERT's [PAD]) is non-zero, so an unmasked pad shows.
 */
final class TinyBertGraph {

  static final int DIM = 8;

  final int vocab;
  final float[] tokens; // [vocab, DIM]
  final float[] types = new float[2 * DIM];
  final float[] projection = new float[DIM];
  final float bias = 0.25f;

  TinyBertGraph(int vocab) {
    this.vocab = vocab;
    this.tokens = new float[vocab * DIM];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = (float) Math.sin(0.37 * i + 1);
    }
    for (int i = 0; i < types.length; i++) {
      types[i] = (float) Math.cos(1.3 * i);
    }
    for (int i = 0; i < DIM; i++) {
      projection[i] = (float) (0.1 * (i + 1) * (i % 2 == 0 ? 1 : -1));
    }
  }

  /** The expected logit of one pair input, by plain arithmetic. */
  double logit(long[] ids, long[] typeIds) {
    double sum = bias;
    for (int t = 0; t < ids.length; t++) {
      for (int d = 0; d < DIM; d++) {
        sum += ((double) tokens[(int) ids[t] * DIM + d] + types[(int) typeIds[t] * DIM + d]) * projection[d];
      }
    }
    return sum;
  }

  byte[] model() {
    Proto graph = new Proto()
        .message(1, node("Gather", new String[] {"E", "input_ids"}, "tok"))
        .message(1, node("Gather", new String[] {"T", "token_type_ids"}, "typ"))
        .message(1, node("Add", new String[] {"tok", "typ"}, "emb"))
        .message(1, node("Cast", new String[] {"attention_mask"}, "maskf").message(5,
            new Proto().string(1, "to").int64(3, 1).int64(20, 2)))
        .message(1, node("Unsqueeze", new String[] {"maskf", "axis2"}, "mask3"))
        .message(1, node("Mul", new String[] {"emb", "mask3"}, "masked"))
        .message(1, node("ReduceSum", new String[] {"masked", "axis1"}, "pooled").message(5,
            new Proto().string(1, "keepdims").int64(3, 0).int64(20, 2)))
        .message(1, node("MatMul", new String[] {"pooled", "W"}, "projected"))
        .message(1, node("Add", new String[] {"projected", "b"}, "logits"))
        .string(2, "tiny-bert")
        .message(5, floats("E", tokens, vocab, DIM))
        .message(5, floats("T", types, 2, DIM))
        .message(5, floats("W", projection, DIM, 1))
        .message(5, floats("b", new float[] {bias}, 1))
        .message(5, int64s("axis1", new long[] {1}))
        .message(5, int64s("axis2", new long[] {2}))
        .message(11, input("input_ids"))
        .message(11, input("attention_mask"))
        .message(11, input("token_type_ids"))
        .message(12, valueInfo("logits", 1, "batch", "1"));
    return new Proto()
        .int64(1, 8) // ir_version
        .string(2, "quarry-test")
        .message(7, graph)
        .message(8, new Proto().string(1, "").int64(2, 13)) // opset 13
        .toBytes();
  }

  private static Proto node(String op, String[] inputs, String output) {
    Proto n = new Proto();
    for (String in : inputs) {
      n.string(1, in);
    }
    return n.string(2, output).string(3, op + "_" + output).string(4, op);
  }

  private static Proto floats(String name, float[] values, long... dims) {
    Proto t = new Proto();
    for (long d : dims) {
      t.int64(1, d);
    }
    return t.int64(2, 1).packedFloats(4, values).string(8, name);
  }

  private static Proto int64s(String name, long[] values) {
    return new Proto().int64(1, values.length).int64(2, 7).packedInt64s(7, values).string(8, name);
  }

  private static Proto input(String name) {
    return valueInfo(name, 7, "batch", "sequence");
  }

  /** A tensor value of element type {@code elemType} (1 float, 7 int64) and the given dims. */
  private static Proto valueInfo(String name, int elemType, String... dims) {
    Proto shape = new Proto();
    for (String d : dims) {
      shape.message(1, d.chars().allMatch(Character::isDigit)
          ? new Proto().int64(1, Long.parseLong(d)) : new Proto().string(2, d));
    }
    Proto tensor = new Proto().int64(1, elemType).message(2, shape);
    return new Proto().string(1, name).message(2, new Proto().message(1, tensor));
  }
}
