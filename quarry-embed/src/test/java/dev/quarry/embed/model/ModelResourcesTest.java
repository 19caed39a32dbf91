package dev.quarry.embed.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.NotFoundException;
import org.junit.jupiter.api.Test;

class ModelResourcesTest {

  @Test
  void aModelWhoseArtifactIsNotOnTheClasspathFailsNamingTheArtifactAndHowToAddIt() {
    ModelSpec absent = new ModelSpec("absent-model", "absent-model.onnx", "absent-model-tokenizer.json",
        "dev.example:absent-model-artifact", Pooling.MEAN, true, 384, 512,
        dev.quarry.core.embed.Similarity.DOT_PRODUCT, "", "");
    NotFoundException e = assertThrows(NotFoundException.class, () -> ModelResources.read(absent, absent.onnxResource()));
    assertEquals("model file 'absent-model.onnx' of embedding model 'absent-model' is not on the classpath: only the "
        + "default model, bge-small-en-v1.5-q, ships by default. Build with the others (QUARRY_MODELS=all ./quarry ..., "
        + "or Maven profile all-models), or add the Maven artifact dev.example:absent-model-artifact to the classpath",
        e.getMessage());
  }

  @Test
  void theDefaultModelsFilesAreThere() {
    ModelSpec spec = EmbeddingModels.defaultModel();
    assertTrue(ModelResources.read(spec, spec.tokenizerResource()).length > 0);
  }
}
