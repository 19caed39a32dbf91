package dev.quarry.engine.ingest;

/** An input that was skipped, where it was ({@code file:line}) and why. */
public record Rejection(String location, String reason) {}
