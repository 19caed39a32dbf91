package dev.quarry.store.ledger;

/** What a budget window holds now: spent and still reserved together. */
public record WindowSpend(String period, long tokens, long costNanos) {}
