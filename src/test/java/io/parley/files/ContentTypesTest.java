package io.parley.files;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

class ContentTypesTest {

  @Test
  void magicBytesWinOverTheName() {
    assertThat(ContentTypes.sniff("%PDF-1.7\n...".getBytes(StandardCharsets.ISO_8859_1), "report.txt")).isEqualTo(ContentTypes.PDF);
    assertThat(ContentTypes.sniff(bytes(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0), "x.jpg")).isEqualTo("image/png");
    assertThat(ContentTypes.sniff(bytes(0xff, 0xd8, 0xff, 0xe0), "x")).isEqualTo("image/jpeg");
    assertThat(ContentTypes.sniff("GIF89a....".getBytes(StandardCharsets.ISO_8859_1), "x")).isEqualTo("image/gif");
    assertThat(ContentTypes.sniff("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1), "x")).isEqualTo("image/webp");
  }

  @Test
  void aZipIsAnOfficeDocumentWhenItsEntriesOrItsNameSaySo() throws Exception {
    assertThat(ContentTypes.sniff(zip("word/document.xml"), "upload.bin")).isEqualTo(ContentTypes.DOCX);
    assertThat(ContentTypes.sniff(zip("xl/workbook.xml"), "upload")).isEqualTo(ContentTypes.XLSX);
    assertThat(ContentTypes.sniff(zip("ppt/presentation.xml"), "upload")).isEqualTo(ContentTypes.PPTX);
    assertThat(ContentTypes.sniff(zip("other/thing.xml"), "deck.pptx")).isEqualTo(ContentTypes.PPTX);
    assertThat(ContentTypes.sniff(zip("other/thing.xml"), "archive.zip")).isEqualTo("application/zip");
  }

  @Test
  void textIsNamedByItsExtensionOrRecognisedAsUtf8() {
    byte[] text = "# Title\nsome *text* — ünïcode\n".getBytes(StandardCharsets.UTF_8);
    assertThat(ContentTypes.sniff(text, "README.md")).isEqualTo("text/markdown");
    assertThat(ContentTypes.sniff("a,b\n1,2\n".getBytes(), "t.csv")).isEqualTo("text/csv");
    assertThat(ContentTypes.sniff("{\"a\":1}".getBytes(), "t.json")).isEqualTo("application/json");
    assertThat(ContentTypes.sniff("<html><body>x</body></html>".getBytes(), "page.HTML")).isEqualTo("text/html");
    assertThat(ContentTypes.sniff(text, "notes")).isEqualTo("text/plain");
    assertThat(ContentTypes.sniff(bytes(0, 1, 2, 3, 0xfe), "blob")).isEqualTo("application/octet-stream");
    assertThat(ContentTypes.sniff(bytes(0, 1, 2, 3), "fake.pdf")).as("a name alone does not make a PDF")
        .isEqualTo("application/octet-stream");
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }

  private static byte[] zip(String entry) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("[Content_Types].xml"));
      zip.write("<Types/>".getBytes());
      zip.putNextEntry(new ZipEntry(entry));
      zip.write("<x/>".getBytes());
    }
    return out.toByteArray();
  }
}
