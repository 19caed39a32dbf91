package dev.quarry.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.error.InvalidInputException;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.error.ServerErrorCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One request as handlers see it: the path parameters the route matched, query parameters, the
 * request id, and the body read under the size limit and checked to be JSON before it is parsed.
 */
public final class Request {

  private static final long MAX_DISCARD = 64L << 20;

  private final Exchange exchange;
  private final Map<String, String> pathParams;
  private final String requestId;
  private final long maxBodyBytes;
  private final JsonCodec json;
  private byte[] raw;

  Request(Exchange exchange, Map<String, String> pathParams, String requestId, long maxBodyBytes, JsonCodec json) {
    this.exchange = exchange;
    this.pathParams = Map.copyOf(pathParams);
    this.requestId = requestId;
    this.maxBodyBytes = maxBodyBytes;
    this.json = json;
  }

  public String requestId() {
    return requestId;
  }

  /** A path parameter the route declared as {@code {name}}, percent-decoded. */
  public String path(String name) {
    String v = pathParams.get(name);
    if (v == null) {
      throw new IllegalStateException("route has no path parameter '" + name + "'");
    }
    return v;
  }

  public Optional<String> header(String name) {
    return exchange.header(name);
  }

  /** The raw path and, when present, {@code ?} and the raw query: what identifies the resource. */
  String rawPathAndQuery() {
    return exchange.rawPath() + exchange.rawQuery().map(q -> "?" + q).orElse("");
  }

  /** The first value of query parameter {@code name}. */
  public Optional<String> query(String name) {
    String raw = exchange.rawQuery().orElse(null);
    if (raw == null) {
      return Optional.empty();
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (k.equals(name)) {
        return Optional.of(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    return Optional.empty();
  }

  /**
   * Refuses a query that names a parameter outside {@code known} (the route's declared ones), as
   * unknown fields of a body are refused: a misspelt {@code refersh=wait_for} must not be ignored.
   */
  void refuseUnknownQuery(List<String> known) {
    String raw = exchange.rawQuery().orElse(null);
    if (raw == null || raw.isEmpty()) {
      return;
    }
    Set<String> unknown = new LinkedHashSet<>();
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (!known.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      String first = unknown.iterator().next();
      throw ApiException.invalidParameter(first, (unknown.size() == 1 ? "unknown query parameter '" + first + "'"
          : "unknown query parameters '" + String.join("', '", unknown) + "'")
          + (known.isEmpty() ? "; this route takes none" : "; this route takes: " + String.join(", ", known)));
    }
  }

  /** The body bound to {@code type}; an absent body binds as {@code {}}. */
  public <T> T body(Class<T> type) throws IOException {
    T value = json.read(bodyText(), type);
    if (value == null) {
      throw ApiException.invalidAt("", "expected a JSON object, got null");
    }
    return value;
  }

  /** The body as a JSON tree; an absent body is {@code {}}. */
  public JsonNode bodyTree() throws IOException {
    return json.tree(bodyText());
  }

  /**
   * The body as text: checked to be {@code application/json} and decoded as strict UTF-8 (no
   * malformed or overlong sequences, no encoded surrogates), so that JSON is parsed from characters
   * and never from bytes in another encoding the parser would guess (UTF-16, UTF-32).
   */
  private String bodyText() throws IOException {
    byte[] bytes = rawBody();
    if (bytes.length == 0) {
      return "{}";
    }
    requireJson();
    return strictUtf8(bytes, "the body");
  }

  /** {@code bytes} decoded as UTF-8, or invalid input naming {@code what} and the first malformed byte. */
  static String strictUtf8(byte[] bytes, String what) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (result.isError()) {
      throw new InvalidInputException(what + " is not valid UTF-8: malformed bytes at byte offset " + in.position());
    }
    decoder.flush(out);
    return out.flip().toString();
  }

  /** The media type of the body, lower case without parameters; empty when none was sent. */
  public String mediaType() {
    return header("Content-Type").orElse("").split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
  }

  /** The body's bytes, read once under the size limit and kept (idempotency hashes them too). */
  public byte[] rawBody() throws IOException {
    if (raw != null) {
      return raw;
    }
    long declared = header("Content-Length").map(Request::parseLength).orElse(-1L);
    byte[] bytes;
    try (InputStream in = exchange.body()) {
      if (declared > maxBodyBytes) {
        throw tooLarge(in);
      }
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
      if (bytes.length > maxBodyBytes) {
        throw tooLarge(in);
      }
    }
    raw = bytes;
    return bytes;
  }

  /**
   * The body as a stream, for bodies parsed as they arrive (multipart uploads): read under the same
   * size limit as {@link #rawBody}, a read past it throws {@link BodyTooLarge}. The kept bytes when
   * {@link #rawBody} already read them.
   */
  public InputStream bodyStream() throws IOException {
    if (raw != null) {
      return new ByteArrayInputStream(raw);
    }
    InputStream in = exchange.body();
    if (header("Content-Length").map(Request::parseLength).orElse(-1L) > maxBodyBytes) {
      throw tooLarge(in);
    }
    return new FilterInputStream(in) {
      private long read;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        read += Math.max(0, n);
        if (read > maxBodyBytes) {
          throw new BodyTooLarge(tooLarge(in));
        }
        return n;
      }
    };
  }

  /** A streamed body went past the limit; {@code answer} is the 413 to give. */
  public static final class BodyTooLarge extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient ApiException answer;

    BodyTooLarge(ApiException answer) {
      super(answer.getMessage());
      this.answer = answer;
    }

    public ApiException answer() {
      return answer;
    }
  }

  private void requireJson() {
    String type = header("Content-Type").orElse("");
    String mediaType = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals("application/json")) {
      throw ApiException.of(ServerErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "the body must be application/json, got: " + (type.isBlank() ? "no Content-Type" : "'" + type + "'"));
    }
    for (String param : type.split(";")) {
      String p = param.trim().toLowerCase(Locale.ROOT);
      if (p.startsWith("charset=") && !p.equals("charset=utf-8") && !p.equals("charset=\"utf-8\"")) {
        throw ApiException.of(ServerErrorCode.UNSUPPORTED_MEDIA_TYPE, "JSON bodies must be UTF-8, got: '" + type + "'");
      }
    }
  }

  /**
   * Reads and discards the rest of an oversize body (up to {@value #MAX_DISCARD} bytes) so that the
   * client, still sending, reads the 413 instead of a reset connection; the connection is closed.
   */
  private ApiException tooLarge(InputStream in) throws IOException {
    long skipped = 0;
    byte[] buffer = new byte[64 * 1024];
    int n;
    while (skipped < MAX_DISCARD && (n = in.read(buffer)) > 0) {
      skipped += n;
    }
    exchange.setHeader("Connection", "close");
    return ApiException.of(ServerErrorCode.PAYLOAD_TOO_LARGE, "the body exceeds the limit of " + maxBodyBytes + " bytes");
  }

  private static long parseLength(String v) {
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * Percent-decoding of a path segment or query component: '+' stays literal (it is not a space in
   * paths), every '%' must start two hex digits, and the decoded bytes must be UTF-8. A text that
   * breaks either rule is invalid input naming it, never decoded with replacement characters.
   */
  static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '%') {
        bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        continue;
      }
      int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
      int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
      if (hi < 0 || lo < 0) {
        throw new InvalidInputException("invalid percent-encoding in '" + s + "' at character " + i
            + ": '%' must start two hex digits");
      }
      bytes.write(hi * 16 + lo);
      i += 2;
    }
    return strictUtf8(bytes.toByteArray(), "'" + s + "' once percent-decoded");
  }

}
