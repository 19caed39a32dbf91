package dev.quarry.server.ingest;

import dev.quarry.store.job.IngestionJob;
import java.util.Objects;

/** How waiting for an ingestion job ended, with the job as last read. */
public sealed interface JobWait {

  IngestionJob job();

  /** No document of the job is in progress any more. */
  record Finished(IngestionJob job) implements JobWait {
    public Finished {
      Objects.requireNonNull(job, "job");
    }
  }

  /** The timeout passed first: the job is still running. */
  record TimedOut(IngestionJob job) implements JobWait {
    public TimedOut {
      Objects.requireNonNull(job, "job");
    }
  }

  /** The server is shutting down: the job is stored and continues when it is back. */
  record ShuttingDown(IngestionJob job) implements JobWait {
    public ShuttingDown {
      Objects.requireNonNull(job, "job");
    }
  }
}
