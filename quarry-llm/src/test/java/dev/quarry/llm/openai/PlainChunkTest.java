package dev.quarry.llm.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which streamed chunks are read without a tree, and what is read from them; the rest go to the tree. */
class PlainChunkTest {

  @Test
  void readsTheCommonChunksFieldsAsTheTreeWould() {
    assertEquals(Optional.of(new PlainChunk("gpt-x", true, "word ", null)), PlainChunk.read(
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-x\","
            + "\"choices\":[{\"index\":0,\"finish_reason\":null,\"delta\":{\"content\":\"word \"}}]}"));
    assertEquals(Optional.of(new PlainChunk(null, true, "", null)), PlainChunk.read(
        "{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":null}}],\"usage\":null}"));
    assertEquals(Optional.of(new PlainChunk("m", true, "", "length")), PlainChunk.read(
        "{\"model\":\"m\",\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"},{\"delta\":7}]}"));
    assertEquals(Optional.of(new PlainChunk(null, true, "\"\u00e9\n", null)), PlainChunk.read(
        "{\"model\":null,\"choices\":[{\"delta\":{\"content\":\"\\\"\\u00e9\\n\"},\"x\":{\"y\":[1]}},2],\"n\":3}"));
    assertEquals(Optional.of(new PlainChunk(null, false, "", null)), PlainChunk.read("{\"choices\":[]} "));
    assertEquals(Optional.of(new PlainChunk(null, false, "", null)), PlainChunk.read("{}"));
  }

  @Test
  void leavesEveryOtherChunkToTheTree() {
    for (String data : List.of(
        "", "  ", "[DONE]", "[1]", "\"text\"", "{\"choices\":[{\"delta\":{\"content\":\"x",
        "{\"error\":null}", "{\"error\":{\"message\":\"overloaded\"}}",
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}",
        "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\"}]}}]}",
        "{\"model\":\"a\",\"model\":\"b\",\"choices\":[]}", "{\"choices\":[],\"choices\":[]}",
        "{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}",
        "{\"choices\":[{\"delta\":{},\"delta\":{}}]}",
        "{\"choices\":[{\"finish_reason\":null,\"finish_reason\":\"stop\"}]}",
        "{\"model\":1,\"choices\":[]}", "{\"choices\":{}}", "{\"choices\":null}", "{\"choices\":[null]}",
        "{\"choices\":[{\"delta\":\"x\"}]}", "{\"choices\":[{\"delta\":{\"content\":5}}]}",
        "{\"choices\":[{\"finish_reason\":1}]}", "{\"choices\":[{\"delta\":{}}],\"x\":[1,}",
        "{\"choices\":[]} trailing", "{} {}")) {
      assertEquals(Optional.empty(), PlainChunk.read(data), data);
    }
  }
}
