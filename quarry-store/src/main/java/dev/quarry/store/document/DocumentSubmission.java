package dev.quarry.store.document;

import dev.quarry.core.error.InvalidInputException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A document received for ingestion. {@code contentHash} is the document's {@code contentHash()}
 * (an unchanged hash costs nothing); {@code jobId} the batch job it arrived in; {@code expiresAt}
 * when it should disappear; {@code ifVersion} the version the caller expects the document to be at
 * ({@code If-Match}), 0 meaning "must not exist yet".
 */
public record DocumentSubmission(
    DocumentKey key,
    String contentHash,
    Optional<String> jobId,
    Optional<Instant> expiresAt,
    OptionalLong ifVersion) {

  public static final int MAX_HASH_LENGTH = 128;

  public DocumentSubmission {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(ifVersion, "ifVersion");
    if (contentHash == null || contentHash.isBlank() || contentHash.length() > MAX_HASH_LENGTH) {
      throw new InvalidInputException(
          "content hash must be 1-" + MAX_HASH_LENGTH + " non-blank characters");
    }
    if (ifVersion.isPresent() && ifVersion.getAsLong() < 0) {
      throw new InvalidInputException("expected version must be >= 0, got: " + ifVersion.getAsLong());
    }
  }

  /** A submission outside any job, without expiry or version check. */
  public static DocumentSubmission of(DocumentKey key, String contentHash) {
    return new DocumentSubmission(key, contentHash, Optional.empty(), Optional.empty(), OptionalLong.empty());
  }

  public DocumentSubmission inJob(String job) {
    return new DocumentSubmission(key, contentHash, Optional.of(job), expiresAt, ifVersion);
  }

  public DocumentSubmission expiringAt(Instant at) {
    return new DocumentSubmission(key, contentHash, jobId, Optional.of(at), ifVersion);
  }

  public DocumentSubmission ifVersion(long version) {
    return new DocumentSubmission(key, contentHash, jobId, expiresAt, OptionalLong.of(version));
  }
}
