package io.parley.files;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.sl.extractor.SlideShowExtractor;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xssf.extractor.XSSFEventBasedExcelExtractor;
import org.apache.poi.xwpf.extractor.XWPFWordExtractor;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeVisitor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The text of a document, for models that cannot read files: PDF (PDFBox), Word, Excel and PowerPoint (POI's
 * OOXML extractors; Excel's event-based one, which streams the sheets instead of building the workbook), HTML
 * (jsoup, without scripts and styles, a line per block) and text formats as they are. CPU-bound and blocking:
 * run it on a worker thread.
 */
public final class TextExtractor {

  /** Longer text is cut here (and says so): past a few million characters no context window holds it anyway. */
  static final int MAX_CHARS = 8 * 1024 * 1024;

  private static final Set<String> BLOCKS = Set.of("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
      "pre", "blockquote", "section", "article", "header", "footer", "table", "ul", "ol", "dt", "dd", "hr", "title");

  private TextExtractor() {
  }

  /** Whether {@code contentType} is a kind of document whose text this can extract. */
  public static boolean supports(String contentType) {
    return ContentTypes.isText(contentType) || contentType.equals(ContentTypes.PDF) || contentType.equals(ContentTypes.DOCX)
        || contentType.equals(ContentTypes.XLSX) || contentType.equals(ContentTypes.PPTX);
  }

  /** @throws IOException when the content is not a readable document of that type */
  public static String extract(byte[] content, String contentType) throws IOException {
    String text = switch (contentType) {
      case ContentTypes.PDF -> pdf(content);
      case ContentTypes.DOCX -> docx(content);
      case ContentTypes.XLSX -> xlsx(content);
      case ContentTypes.PPTX -> pptx(content);
      case "text/html" -> html(new String(content, StandardCharsets.UTF_8));
      default -> plain(content);
    };
    String trimmed = text.strip();
    return trimmed.length() <= MAX_CHARS ? trimmed
        : trimmed.substring(0, MAX_CHARS) + "\n[text cut at " + MAX_CHARS + " characters]";
  }

  private static String pdf(byte[] content) throws IOException {
    try (PDDocument document = Loader.loadPDF(content)) {
      PDFTextStripper stripper = new PDFTextStripper();
      stripper.setSortByPosition(true);
      return stripper.getText(document);
    }
  }

  private static String docx(byte[] content) throws IOException {
    try (XWPFDocument document = new XWPFDocument(new ByteArrayInputStream(content));
        XWPFWordExtractor extractor = new XWPFWordExtractor(document)) {
      return extractor.getText();
    }
  }

  private static String xlsx(byte[] content) throws IOException {
    try (OPCPackage pkg = OPCPackage.open(new ByteArrayInputStream(content));
        XSSFEventBasedExcelExtractor extractor = new XSSFEventBasedExcelExtractor(pkg)) {
      extractor.setIncludeSheetNames(true);
      return extractor.getText();
    } catch (org.apache.xmlbeans.XmlException
        | org.apache.poi.openxml4j.exceptions.OpenXML4JException e) {
      throw new IOException("not an Excel workbook", e);
    }
  }

  private static String pptx(byte[] content) throws IOException {
    try (XMLSlideShow slides = new XMLSlideShow(new ByteArrayInputStream(content));
        SlideShowExtractor<?, ?> extractor = new SlideShowExtractor<>(slides)) {
      extractor.setNotesByDefault(true);
      return extractor.getText();
    }
  }

  /** The visible text, a line per block element; scripts, styles and templates dropped. */
  static String html(String html) {
    Document document = Jsoup.parse(html);
    document.select("script, style, noscript, template, svg, head > :not(title)").remove();
    StringBuilder text = new StringBuilder();
    document.traverse(new NodeVisitor() {
      @Override
      public void head(Node node, int depth) {
        if (node instanceof TextNode textNode) {
          String words = textNode.text().replaceAll("\\s+", " ");
          boolean lineStart = text.length() == 0 || text.charAt(text.length() - 1) == '\n';
          if (!(lineStart && words.isBlank())) {
            text.append(lineStart ? words.stripLeading() : words);
          }
        } else if (node instanceof Element element && BLOCKS.contains(element.normalName())) {
          newline(text);
        }
      }

      @Override
      public void tail(Node node, int depth) {
        if (node instanceof Element element && BLOCKS.contains(element.normalName())) {
          newline(text);
        }
      }
    });
    return text.toString().replaceAll("[ \\t]+\n", "\n").replaceAll("\n{3,}", "\n\n");
  }

  private static void newline(StringBuilder text) {
    if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
      text.append('\n');
    }
  }

  /** UTF-8 (a byte-order mark dropped), malformed bytes replaced rather than refused. */
  private static String plain(byte[] content) {
    int start = content.length >= 3 && (content[0] & 0xff) == 0xef && (content[1] & 0xff) == 0xbb
        && (content[2] & 0xff) == 0xbf ? 3 : 0;
    return new String(content, start, content.length - start, StandardCharsets.UTF_8);
  }
}
