package io.parley.files;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * What a file is: its first bytes say so for PDF, PNG, JPEG, GIF, WebP and ZIP (and, for a ZIP, whether it is a
 * Word, Excel or PowerPoint document); anything else is named by its extension, and an unknown extension is
 * text if its first bytes are UTF-8 without control characters, else {@code application/octet-stream}.
 */
public final class ContentTypes {

  /** How many leading bytes {@link #sniff} looks at. */
  public static final int HEAD = 8192;

  public static final String PDF = "application/pdf";
  public static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  public static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  public static final String PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation";
  private static final String ZIP = "application/zip";
  private static final String BINARY = "application/octet-stream";

  private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
      Map.entry("pdf", PDF), Map.entry("docx", DOCX), Map.entry("xlsx", XLSX), Map.entry("pptx", PPTX),
      Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("zip", ZIP),
      Map.entry("txt", "text/plain"), Map.entry("text", "text/plain"), Map.entry("log", "text/plain"),
      Map.entry("md", "text/markdown"), Map.entry("markdown", "text/markdown"), Map.entry("csv", "text/csv"),
      Map.entry("tsv", "text/tab-separated-values"), Map.entry("json", "application/json"),
      Map.entry("jsonl", "application/jsonl"), Map.entry("html", "text/html"), Map.entry("htm", "text/html"),
      Map.entry("xml", "application/xml"), Map.entry("yaml", "application/yaml"), Map.entry("yml", "application/yaml"),
      Map.entry("css", "text/css"), Map.entry("js", "text/javascript"), Map.entry("ts", "application/typescript"),
      Map.entry("py", "text/x-python"), Map.entry("java", "text/x-java"), Map.entry("c", "text/x-c"),
      Map.entry("h", "text/x-c"), Map.entry("cpp", "text/x-c++"), Map.entry("cs", "text/x-csharp"),
      Map.entry("go", "text/x-golang"), Map.entry("rs", "text/x-rust"), Map.entry("rb", "text/x-ruby"),
      Map.entry("php", "text/x-php"), Map.entry("sh", "application/x-sh"), Map.entry("sql", "application/sql"),
      Map.entry("tex", "text/x-tex"), Map.entry("toml", "application/toml"));

  private ContentTypes() {
  }

  /** @param head the file's first bytes ({@link #HEAD} of them, or all if it is shorter) */
  public static String sniff(byte[] head, String filename) {
    String extension = extension(filename);
    String magic = magic(head);
    if (magic != null) {
      return magic.equals(ZIP) ? office(head, extension) : magic;
    }
    String named = BY_EXTENSION.get(extension);
    if (named != null && !isBinaryFormat(named)) {
      return named;
    }
    return looksLikeText(head) ? "text/plain" : BINARY;
  }

  public static boolean isImage(String contentType) {
    return contentType.startsWith("image/");
  }

  /** Types whose text is the file itself (not a document format that must be parsed). */
  public static boolean isText(String contentType) {
    return contentType.startsWith("text/") || contentType.equals("application/json") || contentType.equals("application/jsonl")
        || contentType.equals("application/xml") || contentType.equals("application/yaml") || contentType.equals("application/typescript")
        || contentType.equals("application/x-sh") || contentType.equals("application/sql") || contentType.equals("application/toml");
  }

  private static boolean isBinaryFormat(String type) {
    return type.equals(PDF) || type.equals(DOCX) || type.equals(XLSX) || type.equals(PPTX) || type.equals(ZIP)
        || type.startsWith("image/");
  }

  private static String magic(byte[] b) {
    if (starts(b, "%PDF-")) {
      return PDF;
    }
    if (b.length >= 8 && (b[0] & 0xff) == 0x89 && starts(b, 1, "PNG\r\n\u001a\n")) {
      return "image/png";
    }
    if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
      return "image/jpeg";
    }
    if (starts(b, "GIF87a") || starts(b, "GIF89a")) {
      return "image/gif";
    }
    if (starts(b, "RIFF") && starts(b, 8, "WEBP")) {
      return "image/webp";
    }
    if (starts(b, "PK\u0003\u0004")) {
      return ZIP;
    }
    return null;
  }

  /** An Office Open XML package names its main part's folder in the first entries; else the extension decides. */
  private static String office(byte[] head, String extension) {
    String names = new String(head, StandardCharsets.ISO_8859_1);
    if (names.contains("word/")) {
      return DOCX;
    }
    if (names.contains("xl/")) {
      return XLSX;
    }
    if (names.contains("ppt/")) {
      return PPTX;
    }
    String named = BY_EXTENSION.get(extension);
    return named != null && (named.equals(DOCX) || named.equals(XLSX) || named.equals(PPTX)) ? named : ZIP;
  }

  private static boolean looksLikeText(byte[] head) {
    for (byte b : head) {
      if (b == 0 || (b >= 0 && b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f' && b != 0x1b)) {
        return false;
      }
    }
    try {
      // The head may end inside a multi-byte character: only what comes before its last 3 bytes must decode.
      int length = head.length < HEAD ? head.length : Math.max(0, head.length - 3);
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(head, 0, length));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static String extension(String filename) {
    int dot = filename == null ? -1 : filename.lastIndexOf('.');
    return dot < 0 ? "" : filename.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  private static boolean starts(byte[] b, String prefix) {
    return starts(b, 0, prefix);
  }

  private static boolean starts(byte[] b, int at, String prefix) {
    if (b.length < at + prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (b[at + i] != (byte) prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
