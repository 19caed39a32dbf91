package dev.quarry.store.document;

import dev.quarry.core.error.InvalidInputException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A document received for ingestion. {@code contentHash} is the document's {@code contentHash()}
 * (an unchanged hash costs nothing); {@code jobId} the batch job it arrived in; {@code expiresAt}
 * when it should disappear; {@code ifVersion} the version the caller expects the document to be at
 * ({@code If-Match}), 0 meaning "must not exist yet"; {@code content} the bytes to keep with the
 * document (stored when the submission changes the document); {@code claimFor} a lease the
 * submitter takes on a changed document to ingest it itself (synchronous writes): the document is
 * then not due for workers until the lease lapses, and its attempts count the submitter's attempt.
 */
public record DocumentSubmission(
    DocumentKey key,
    String contentHash,
    Optional<String> jobId,
    Optional<Instant> expiresAt,
    OptionalLong ifVersion,
    Optional<DocumentContent> content,
    Optional<Duration> claimFor) {

  public static final int MAX_HASH_LENGTH = 128;

  public DocumentSubmission {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(ifVersion, "ifVersion");
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(claimFor, "claimFor");
    if (claimFor.isPresent() && (claimFor.get().isNegative() || claimFor.get().isZero())) {
      throw new InvalidInputException("claim lease must be positive, got: " + claimFor.get());
    }
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
    return new DocumentSubmission(key, contentHash, Optional.empty(), Optional.empty(), OptionalLong.empty(),
        Optional.empty(), Optional.empty());
  }

  public DocumentSubmission inJob(String job) {
    return new DocumentSubmission(key, contentHash, Optional.of(job), expiresAt, ifVersion, content, claimFor);
  }

  public DocumentSubmission expiringAt(Instant at) {
    return new DocumentSubmission(key, contentHash, jobId, Optional.of(at), ifVersion, content, claimFor);
  }

  public DocumentSubmission ifVersion(long version) {
    return new DocumentSubmission(key, contentHash, jobId, expiresAt, OptionalLong.of(version), content, claimFor);
  }

  public DocumentSubmission withContent(DocumentContent newContent) {
    return new DocumentSubmission(key, contentHash, jobId, expiresAt, ifVersion, Optional.of(newContent), claimFor);
  }

  public DocumentSubmission claimedFor(Duration lease) {
    return new DocumentSubmission(key, contentHash, jobId, expiresAt, ifVersion, content, Optional.of(lease));
  }
}
