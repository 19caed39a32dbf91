package dev.quarry.store.ledger;

import java.time.LocalDate;

/** A tenant's calls of one model on one UTC day, summed from the ledger. */
public record ModelDay(LocalDate day, String model, long calls, long inputTokens, long outputTokens,
    long cachedTokens, long costNanos) {}
