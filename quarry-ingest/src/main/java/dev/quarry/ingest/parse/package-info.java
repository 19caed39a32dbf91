/**
 * Parsers from source bytes to {@link dev.quarry.core.document.Document}s: {@link
 * dev.quarry.ingest.parse.PlainTextParser}, {@link dev.quarry.ingest.parse.MarkdownParser}, {@link
 * dev.quarry.ingest.parse.HtmlParser}, {@link dev.quarry.ingest.parse.PdfParser} and {@link
 * dev.quarry.ingest.parse.BeirJsonlParser}, chosen by file name in {@link
 * dev.quarry.ingest.parse.ParserRegistry} and fed from a folder by {@link
 * dev.quarry.ingest.parse.SourceWalker}.
 *
 * <p>Shared rules: text formats are strict UTF-8 (an invalid byte is a rejection naming its line
 * and byte offset, never a silent U+FFFD); a leading byte order mark is dropped; a blank document
 * is rejected as {@code "empty document"}; {@link dev.quarry.ingest.parse.IngestLimits} bounds the
 * bytes read and the characters produced. A single-document file's id is its name relative to the
 * ingested root. Bad content is a {@link dev.quarry.core.parse.ParseOutcome.Rejected} value; only
 * failing to read a stream throws.
 */
package dev.quarry.ingest.parse;
