package io.parley.testing;

import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xslf.usermodel.XMLSlideShow;
import org.apache.poi.xslf.usermodel.XSLFTextBox;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Real documents, made by the libraries that write them, for reading back. */
public final class Documents {

  private Documents() {
  }

  /** A one-page PDF with each line of {@code lines}. */
  public static byte[] pdf(String... lines) throws IOException {
    try (PDDocument document = new PDDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      PDPage page = new PDPage();
      document.addPage(page);
      try (PDPageContentStream content = new PDPageContentStream(document, page)) {
        content.beginText();
        content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
        content.newLineAtOffset(72, 700);
        for (String line : lines) {
          content.showText(line);
          content.newLineAtOffset(0, -16);
        }
        content.endText();
      }
      document.save(out);
      return out.toByteArray();
    }
  }

  /** A Word document with a paragraph per line. */
  public static byte[] docx(String... paragraphs) throws IOException {
    try (XWPFDocument document = new XWPFDocument(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      for (String paragraph : paragraphs) {
        document.createParagraph().createRun().setText(paragraph);
      }
      document.write(out);
      return out.toByteArray();
    }
  }

  /** A workbook with one sheet named {@code sheet} and the rows given. */
  public static byte[] xlsx(String sheet, String[]... rows) throws IOException {
    try (XSSFWorkbook workbook = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      XSSFSheet created = workbook.createSheet(sheet);
      for (int r = 0; r < rows.length; r++) {
        org.apache.poi.xssf.usermodel.XSSFRow row = created.createRow(r);
        for (int c = 0; c < rows[r].length; c++) {
          row.createCell(c).setCellValue(rows[r][c]);
        }
      }
      workbook.write(out);
      return out.toByteArray();
    }
  }

  /** A deck with one slide holding {@code text}. */
  public static byte[] pptx(String text) throws IOException {
    try (XMLSlideShow slides = new XMLSlideShow(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      XSLFTextBox box = slides.createSlide().createTextBox();
      box.setText(text);
      slides.write(out);
      return out.toByteArray();
    }
  }
}
