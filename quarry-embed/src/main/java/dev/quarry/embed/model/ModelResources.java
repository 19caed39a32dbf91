package dev.quarry.embed.model;

import dev.quarry.core.error.NotFoundException;
import dev.quarry.core.error.StorageException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads a model's files from the classpath, where its Maven artifact puts them. Nothing is ever
 * downloaded: a missing file is an error that names the artifact to add.
 */
public final class ModelResources {

  private ModelResources() {}

  /** The whole of {@code resource}, one of {@code spec}'s files. */
  public static byte[] read(ModelSpec spec, String resource) {
    ClassLoader loader = ModelResources.class.getClassLoader();
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new NotFoundException(
            "model file '" + resource + "' of embedding model '" + spec.id()
                + "' is not on the classpath: only the default model, " + EmbeddingModels.DEFAULT_ID
                + ", ships by default. Build with the others (QUARRY_MODELS=all ./quarry ..., or Maven profile "
                + "all-models), or add the Maven artifact " + spec.artifact() + " to the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new StorageException(
          "cannot read model file '" + resource + "' of embedding model '" + spec.id() + "'", e);
    }
  }
}
