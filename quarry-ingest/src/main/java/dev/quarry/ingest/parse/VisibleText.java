package dev.quarry.ingest.parse;

import dev.quarry.core.document.Heading;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;
import org.jsoup.select.NodeTraversor;

/**
 * The text a reader sees in an HTML element tree, laid out with paragraph breaks, and the headings
 * found in it with offsets into that text. See {@link HtmlParser} for the rules.
 */
record VisibleText(String text, List<Heading> headings) {

  private static final Set<String> INVISIBLE =
      Set.of("script", "style", "noscript", "template", "head", "svg", "canvas", "iframe", "object");

  private static final Set<String> BLOCKS =
      Set.of(
          "address", "article", "aside", "blockquote", "caption", "center", "details", "dialog",
          "div", "dl", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
          "h4", "h5", "h6", "header", "hgroup", "hr", "main", "menu", "nav", "ol", "p", "pre",
          "section", "summary", "table", "ul");

  private static final Set<String> LINES = Set.of("li", "dt", "dd", "tr", "thead", "tbody", "tfoot");

  private static final Set<String> PREFORMATTED = Set.of("pre", "textarea");

  static VisibleText of(Element root) {
    Layout layout = new Layout();
    NodeTraversor.filter(layout, root);
    return new VisibleText(layout.out.toString(), List.copyOf(layout.headings));
  }

  /** Walks the tree, appending text with pending line breaks resolved lazily. */
  private static final class Layout implements NodeFilter {
    final StringBuilder out = new StringBuilder();
    final List<Heading> headings = new ArrayList<>();
    private int pendingNewlines;
    private boolean pendingSpace;
    private int preformattedDepth;
    // The heading being laid out: its element, level and where its text starts (-1: no text yet).
    private Element heading;
    private int headingLevel;
    private int headingStart = -1;

    @Override
    public FilterResult head(Node node, int depth) {
      if (node instanceof TextNode textNode) {
        text(textNode.getWholeText());
        return FilterResult.CONTINUE;
      }
      if (!(node instanceof Element element)) {
        return FilterResult.CONTINUE;
      }
      String tag = element.normalName();
      if (INVISIBLE.contains(tag) || element.hasAttr("hidden")) {
        return FilterResult.SKIP_ENTIRELY;
      }
      breakFor(tag);
      if (PREFORMATTED.contains(tag)) {
        preformattedDepth++;
      }
      if (heading == null && headingLevel(tag) > 0) {
        heading = element;
        headingLevel = headingLevel(tag);
        headingStart = -1;
      }
      if (tag.equals("td") || tag.equals("th")) {
        pendingSpace = true;
      }
      return FilterResult.CONTINUE;
    }

    @Override
    public FilterResult tail(Node node, int depth) {
      if (!(node instanceof Element element)) {
        return FilterResult.CONTINUE;
      }
      String tag = element.normalName();
      if (PREFORMATTED.contains(tag)) {
        preformattedDepth--;
      }
      if (element == heading) {
        if (headingStart >= 0) {
          String title = Titles.clip(out.substring(headingStart));
          if (!title.isEmpty()) {
            headings.add(new Heading(headingLevel, title, headingStart));
          }
        }
        heading = null;
      }
      if (!tag.equals("br")) {
        breakFor(tag);
      }
      return FilterResult.CONTINUE;
    }

    private void breakFor(String tag) {
      if (tag.equals("br")) {
        pendingNewlines = Math.min(2, pendingNewlines + 1); // <br><br> separates paragraphs
      } else if (BLOCKS.contains(tag)) {
        pendingNewlines = 2;
      } else if (LINES.contains(tag)) {
        pendingNewlines = Math.max(pendingNewlines, 1);
      }
    }

    private void text(String s) {
      if (preformattedDepth > 0) {
        String normalized = s.replace("\r\n", "\n").replace('\r', '\n');
        for (int i = 0; i < normalized.length(); i++) {
          char c = normalized.charAt(i);
          if (c == '\n') {
            if (!out.isEmpty()) {
              flushBreaks();
              out.append('\n');
            }
          } else {
            visible(c);
          }
        }
        return;
      }
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (Character.isWhitespace(c) || c == '\u00A0') {
          pendingSpace = true;
        } else {
          visible(c);
        }
      }
    }

    private void visible(char c) {
      if (!out.isEmpty()) {
        flushBreaks();
        if (pendingSpace && !Character.isWhitespace(out.charAt(out.length() - 1))) {
          out.append(' ');
        }
      }
      pendingNewlines = 0;
      pendingSpace = false;
      if (heading != null && headingStart < 0) {
        headingStart = out.length();
      }
      out.append(c);
    }

    private void flushBreaks() {
      if (pendingNewlines == 0 || out.isEmpty()) {
        return;
      }
      while (!out.isEmpty() && out.charAt(out.length() - 1) == ' ') {
        out.setLength(out.length() - 1);
      }
      int trailing = 0;
      while (trailing < out.length() && out.charAt(out.length() - 1 - trailing) == '\n') {
        trailing++;
      }
      for (int i = trailing; i < pendingNewlines; i++) {
        out.append('\n');
      }
      pendingNewlines = 0;
      pendingSpace = false;
    }

    private static int headingLevel(String tag) {
      return tag.length() == 2 && tag.charAt(0) == 'h' && tag.charAt(1) >= '1' && tag.charAt(1) <= '6'
          ? tag.charAt(1) - '0'
          : 0;
    }
  }
}
