package dev.quarry.server.http;

import dev.quarry.core.error.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A {@code multipart/form-data} body (RFC 7578) split into its parts. Strict: a missing boundary, a
 * part without {@code Content-Disposition: form-data; name=...}, or a body that does not end with
 * the closing delimiter is an error naming the part.
 */
public final class Multipart {

  /** One part: its form name, the file name when it is a file, its media type, its bytes. */
  public record Part(String name, Optional<String> fileName, String mediaType, byte[] body) {}

  private Multipart() {}

  public static List<Part> parse(String contentType, byte[] body) {
    String boundary = boundary(contentType);
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    int at = indexOf(body, delimiter, 0);
    if (at < 0) {
      throw new InvalidInputException("multipart body holds no part delimited by the boundary '" + boundary + "'");
    }
    List<Part> parts = new ArrayList<>();
    while (true) {
      int after = at + delimiter.length;
      if (startsWith(body, after, "--")) {
        return parts; // closing delimiter
      }
      if (!startsWith(body, after, "\r\n")) {
        throw new InvalidInputException("multipart part " + (parts.size() + 1) + ": delimiter not followed by CRLF");
      }
      int headersStart = after + 2;
      int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
      if (headersEnd < 0) {
        throw new InvalidInputException("multipart part " + (parts.size() + 1) + ": headers do not end");
      }
      byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
      int end = indexOf(body, next, headersEnd + 4);
      if (end < 0) {
        throw new InvalidInputException("multipart part " + (parts.size() + 1) + ": no closing boundary");
      }
      String headers = new String(body, headersStart, headersEnd - headersStart, StandardCharsets.UTF_8);
      parts.add(part(parts.size() + 1, headers, Arrays.copyOfRange(body, headersEnd + 4, end)));
      at = end + 2;
    }
  }

  private static Part part(int number, String headers, byte[] bytes) {
    Optional<String> name = Optional.empty();
    Optional<String> fileName = Optional.empty();
    String mediaType = "application/octet-stream";
    boolean formData = false;
    for (String line : headers.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String header = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (header.equals("content-disposition")) {
        String[] params = value.split(";");
        formData = params[0].trim().equalsIgnoreCase("form-data");
        for (int i = 1; i < params.length; i++) {
          String p = params[i].trim();
          int eq = p.indexOf('=');
          if (eq < 0) {
            continue;
          }
          String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
          String v = unquote(p.substring(eq + 1).trim());
          if (key.equals("name")) {
            name = Optional.of(v);
          } else if (key.equals("filename") && !v.isBlank()) {
            fileName = Optional.of(baseName(v));
          }
        }
      } else if (header.equals("content-type")) {
        mediaType = value.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      }
    }
    if (!formData || name.isEmpty()) {
      throw new InvalidInputException("multipart part " + number
          + " needs 'Content-Disposition: form-data; name=\"...\"'");
    }
    return new Part(name.get(), fileName, mediaType, bytes);
  }

  /** Browsers may send a path; only its last segment names the file. */
  private static String baseName(String fileName) {
    int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
    return fileName.substring(slash + 1);
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }

  private static String boundary(String contentType) {
    for (String param : contentType.split(";")) {
      String p = param.trim();
      if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
        String b = unquote(p.substring("boundary=".length()).trim());
        if (!b.isEmpty() && b.length() <= 70) {
          return b;
        }
      }
    }
    throw new InvalidInputException("multipart/form-data needs a boundary of 1-70 characters in its Content-Type");
  }

  private static boolean startsWith(byte[] body, int at, String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    if (at + b.length > body.length) {
      return false;
    }
    for (int i = 0; i < b.length; i++) {
      if (body[at + i] != b[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] body, byte[] needle, int from) {
    outer:
    for (int i = from; i <= body.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (body[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
