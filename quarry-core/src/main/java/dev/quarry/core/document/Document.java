package dev.quarry.core.document;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A parsed source document. {@code text} is the body that is chunked and indexed; {@code headings}
 * and {@code pages} carry structure as offsets into it. The content hash covers everything that
 * changes what is indexed (title, text, metadata), so an unchanged document can be skipped.
 */
public record Document(
    String id,
    String title,
    String text,
    Metadata metadata,
    List<Heading> headings,
    List<PageSpan> pages,
    String source) {

  public Document {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("document id must not be blank");
    }
    title = title == null ? "" : title;
    Objects.requireNonNull(text, "text");
    metadata = metadata == null ? Metadata.empty() : metadata;
    headings = List.copyOf(headings == null ? List.of() : headings);
    pages = List.copyOf(pages == null ? List.of() : pages);
    source = source == null ? "" : source;
    for (Heading h : headings) {
      if (h.offset() > text.length()) {
        throw new IllegalArgumentException(
            "heading offset " + h.offset() + " beyond text length " + text.length());
      }
    }
    for (PageSpan p : pages) {
      if (p.end() > text.length()) {
        throw new IllegalArgumentException(
            "page " + p.page() + " ends at " + p.end() + ", beyond text length " + text.length());
      }
    }
  }

  /** A plain document with no structure. */
  public static Document of(String id, String title, String text, Metadata metadata) {
    return new Document(id, title, text, metadata, List.of(), List.of(), "");
  }

  /** SHA-256 over title, text and metadata, hex encoded. */
  public String contentHash() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      update(md, title);
      update(md, text);
      metadata.values().forEach((k, v) -> {
        update(md, k);
        update(md, v.toString());
      });
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static void update(MessageDigest md, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    md.update((byte) (bytes.length >>> 24));
    md.update((byte) (bytes.length >>> 16));
    md.update((byte) (bytes.length >>> 8));
    md.update((byte) bytes.length);
    md.update(bytes);
  }

  /** The page that contains character {@code offset}, or 0 when the document has no pages. */
  public int pageAt(int offset) {
    for (PageSpan p : pages) {
      if (offset >= p.start() && offset < p.end()) {
        return p.page();
      }
    }
    return pages.isEmpty() ? 0 : pages.getLast().page();
  }
}
