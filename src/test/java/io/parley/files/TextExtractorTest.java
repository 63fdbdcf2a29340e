package io.parley.files;

import io.parley.testing.Documents;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextExtractorTest {

  @Test
  void documentsAreReadByTheirFormat() throws IOException {
    assertThat(extract(Documents.pdf("Quarterly revenue rose 12%", "Costs fell"))).contains("Quarterly revenue rose 12%")
        .contains("Costs fell");
    assertThat(extract(Documents.docx("Meeting notes", "Ship on Friday"))).isEqualTo("Meeting notes\nShip on Friday");
    assertThat(extract(Documents.xlsx("Budget", new String[] {"Item", "Cost"}))).contains("Budget").contains("Item")
        .contains("Cost");
    assertThat(extract(Documents.pptx("Roadmap 2027"))).contains("Roadmap 2027");
  }

  @Test
  void sniffedTypesMatchWhatTheLibrariesWrite() throws IOException {
    assertThat(ContentTypes.sniff(Documents.docx("x"), "upload")).isEqualTo(ContentTypes.DOCX);
    assertThat(ContentTypes.sniff(Documents.xlsx("s", new String[] {"x"}), "upload")).isEqualTo(ContentTypes.XLSX);
    assertThat(ContentTypes.sniff(Documents.pptx("x"), "upload")).isEqualTo(ContentTypes.PPTX);
  }

  @Test
  void htmlLosesItsMarkupScriptsAndStylesButKeepsItsBlocks() throws IOException {
    String html = "<html><head><title>T</title><style>p{color:red}</style><script>alert(1)</script></head>"
        + "<body><h1>Title</h1><p>First <b>bold</b> paragraph.</p><ul><li>one</li><li>two</li></ul></body></html>";
    assertThat(TextExtractor.extract(html.getBytes(StandardCharsets.UTF_8), "text/html"))
        .isEqualTo("T\nTitle\nFirst bold paragraph.\none\ntwo");
  }

  @Test
  void textFormatsAreTheirOwnText() throws IOException {
    byte[] csv = "\uFEFFa,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
    assertThat(TextExtractor.extract(csv, "text/csv")).isEqualTo("a,b\n1,2");
    assertThat(TextExtractor.extract("{\"k\": 1}".getBytes(), "application/json")).isEqualTo("{\"k\": 1}");
    assertThat(TextExtractor.supports("application/zip")).isFalse();
    assertThat(TextExtractor.supports("image/png")).isFalse();
  }

  @Test
  void aBrokenDocumentFails() {
    assertThatThrownBy(() -> TextExtractor.extract("%PDF-1.4 not really".getBytes(), ContentTypes.PDF))
        .isInstanceOf(IOException.class);
  }

  private static String extract(byte[] document) throws IOException {
    return TextExtractor.extract(document, ContentTypes.sniff(document, "upload"));
  }
}
