package dev.quarry.server.http;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.server.error.ApiException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemHeaders;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.core.MultipartInput;
import org.apache.commons.fileupload2.core.RequestContext;
import org.apache.commons.io.output.DeferredFileOutputStream;

/**
 * A {@code multipart/form-data} body (RFC 7578) read as it arrives, by Apache Commons FileUpload's
 * streaming parser (quoted parameters, escapes, RFC 2231 file names, limits). The body is never held
 * whole: each part's bytes stay in memory while all parts read so far fit the {@link Budget}'s
 * memory, and go to a temporary file beyond it; {@link #close} deletes those files.
 *
 * <p>Names are read as FileUpload reads them, with white space around a value dropped (a file
 * named {@code " a.txt "} is {@code a.txt}).
 *
 * <p>Strict: a part without {@code Content-Disposition: form-data; name=...}, a part larger than the
 * budget allows, more parts than it allows, or a body that ends before its closing delimiter is
 * invalid input naming the part.
 */
public final class Multipart implements AutoCloseable {

  /**
   * How much of a body may be held: {@code memoryBytes} of part content in memory altogether (the
   * rest goes to files in {@code directory}, the system's temporary directory when empty), at most
   * {@code maxPartBytes} in one part and {@code maxParts} parts.
   */
  public record Budget(int memoryBytes, long maxPartBytes, int maxParts, Optional<Path> directory) {
    public Budget {
      Objects.requireNonNull(directory, "directory");
      if (memoryBytes < 0 || maxPartBytes < 1 || maxParts < 1) {
        throw new IllegalArgumentException("multipart budget needs memoryBytes >= 0, maxPartBytes >= 1 and maxParts >= 1, got: "
            + memoryBytes + ", " + maxPartBytes + ", " + maxParts);
      }
    }
  }

  /** One part: its form name, the file name when it is a file, its media type, and its content. */
  public static final class Part {
    private final String name;
    private final Optional<String> fileName;
    private final String mediaType;
    private final DeferredFileOutputStream content;

    private Part(String name, Optional<String> fileName, String mediaType, DeferredFileOutputStream content) {
      this.name = name;
      this.fileName = fileName;
      this.mediaType = mediaType;
      this.content = content;
    }

    public String name() {
      return name;
    }

    public Optional<String> fileName() {
      return fileName;
    }

    /** The part's {@code Content-Type} without parameters, lower case; {@code application/octet-stream} when none. */
    public String mediaType() {
      return mediaType;
    }

    public long size() {
      return content.getByteCount();
    }

    /** Whether the content is held in memory (false: in a temporary file). */
    public boolean inMemory() {
      return content.isInMemory();
    }

    /** The content, read again from wherever it is held. */
    public InputStream open() throws IOException {
      return content.isInMemory() ? new ByteArrayInputStream(content.getData()) : Files.newInputStream(content.getPath());
    }

    /** The content as bytes (which brings a part held in a file into memory). */
    public byte[] bytes() {
      try (InputStream in = open()) {
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read back multipart part '" + name + "': " + e.getMessage(), e);
      }
    }

    private void delete() throws IOException {
      if (!content.isInMemory()) {
        Files.deleteIfExists(content.getPath());
      }
    }
  }

  private final List<Part> parts;

  private Multipart(List<Part> parts) {
    this.parts = parts;
  }

  public List<Part> parts() {
    return List.copyOf(parts);
  }

  /** Reads every part of {@code body}, sent with {@code contentType}, within {@code budget}. */
  public static Multipart read(String contentType, InputStream body, Budget budget) throws IOException {
    Upload upload = new Upload();
    upload.setHeaderCharset(StandardCharsets.UTF_8);
    upload.setFileSizeMax(budget.maxPartBytes());
    byte[] boundary = upload.getBoundary(contentType);
    if (boundary == null || boundary.length == 0) {
      throw new InvalidInputException("multipart/form-data needs a boundary parameter in its Content-Type");
    }
    List<Part> parts = new ArrayList<>();
    Multipart out = new Multipart(parts);
    long memoryLeft = budget.memoryBytes();
    try {
      FileItemInputIterator items = upload.getItemIterator(new Context(contentType, body));
      while (items.hasNext()) {
        FileItemInput item = items.next();
        int number = parts.size() + 1;
        if (number > budget.maxParts()) {
          throw new InvalidInputException("a multipart body holds at most " + budget.maxParts() + " parts");
        }
        String name = unescape(item.getFieldName());
        if (name.isBlank()) {
          throw new InvalidInputException("multipart part " + number
              + " needs 'Content-Disposition: form-data; name=\"...\"'");
        }
        DeferredFileOutputStream content = DeferredFileOutputStream.builder()
            .setThreshold((int) Math.min(Integer.MAX_VALUE, memoryLeft))
            .setPrefix("quarry-upload-").setSuffix(".part")
            .setDirectory(budget.directory().orElse(Path.of(System.getProperty("java.io.tmpdir"))))
            .get();
        Part part = new Part(name, fileName(item.getName()), mediaType(item.getContentType()), content);
        parts.add(part);
        try (content; InputStream in = item.getInputStream()) {
          in.transferTo(content);
        } catch (FileUploadSizeException e) {
          throw new InvalidInputException("multipart part " + number + " ('" + name + "') is larger than the "
              + budget.maxPartBytes() + " bytes a part may have");
        }
        if (part.inMemory()) {
          memoryLeft -= part.size();
        }
      }
      return out;
    } catch (IOException | RuntimeException e) {
      out.close();
      throw translate(e);
    }
  }

  /** Parser failures as the answers they call for; other I/O failures (the client went away) as they are. */
  private static RuntimeException translate(Exception e) throws IOException {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Request.BodyTooLarge tooLarge) {
        return tooLarge.answer();
      }
    }
    return switch (e) {
      case MultipartInput.MalformedStreamException m -> new InvalidInputException(
          "the multipart body is truncated or malformed (" + m.getMessage() + "): every part must end with"
              + " CRLF and the boundary, and the body with the closing boundary followed by '--'");
      case MultipartInput.FileUploadBoundaryException b -> new InvalidInputException(
          "the multipart boundary in the Content-Type cannot be used: " + b.getMessage());
      case FileUploadException f -> new InvalidInputException("the multipart body cannot be read: " + f.getMessage());
      case RuntimeException r -> r;
      case IOException io -> throw io;
      default -> new IllegalStateException(e);
    };
  }

  /** Deletes the temporary files of parts held on disk. */
  @Override
  public void close() throws IOException {
    IOException failure = null;
    for (Part p : parts) {
      try {
        p.delete();
      } catch (IOException e) {
        failure = failure == null ? e : failure;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * A file name as the client sent it, without the escapes of a quoted string ({@code \"} is
   * {@code "}, {@code \\} is {@code \}) and without any directory (browsers may send a path): only
   * its last segment names the file. Empty when there was none.
   */
  static Optional<String> fileName(String sent) {
    if (sent == null || sent.isBlank()) {
      return Optional.empty();
    }
    String path = unescape(sent);
    String base = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
    return base.isBlank() ? Optional.empty() : Optional.of(base);
  }

  /**
   * A parameter value without the quoted-pair escapes FileUpload leaves in it: {@code \"} and
   * {@code \\}. Any other backslash stays (a Windows path sent unescaped).
   */
  static String unescape(String value) {
    if (value.indexOf('\\') < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length() && (value.charAt(i + 1) == '"' || value.charAt(i + 1) == '\\')) {
        c = value.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }

  private static String mediaType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return "application/octet-stream";
    }
    return contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
  }

  /** The body as FileUpload reads it. */
  private record Context(String contentType, InputStream body) implements RequestContext {
    @Override
    public String getCharacterEncoding() {
      return StandardCharsets.UTF_8.name();
    }

    @Override
    public long getContentLength() {
      return -1; // the body stream enforces the limit itself
    }

    @Override
    public String getContentType() {
      return contentType;
    }

    @Override
    public InputStream getInputStream() {
      return body;
    }

    @Override
    public boolean isMultipartRelated() {
      return false;
    }
  }

  /** FileUpload's parser over a {@link RequestContext}; only its streaming iterator is used. */
  private static final class Upload extends AbstractFileUpload<RequestContext, DiskFileItem, DiskFileItemFactory> {

    /** FileUpload skips a part without a form-data name in silence; here it surfaces, named "", to be refused. */
    @Override
    public String getFieldName(FileItemHeaders headers) {
      String name = super.getFieldName(headers);
      return name == null ? "" : name;
    }

    @Override
    public FileItemInputIterator getItemIterator(RequestContext request) throws FileUploadException, IOException {
      return super.getItemIterator(request);
    }

    @Override
    public Map<String, List<DiskFileItem>> parseParameterMap(RequestContext request) throws FileUploadException {
      return super.parseParameterMap(request);
    }

    @Override
    public List<DiskFileItem> parseRequest(RequestContext request) throws FileUploadException {
      return super.parseRequest(request);
    }
  }
}
