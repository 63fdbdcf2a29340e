package io.parley.protocol;

import io.parley.protocol.FileParts.Content;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FilePartsTest {

  private static final Content PDF = new Content("a.pdf", "application/pdf", "data:application/pdf;base64,JVBE", null);
  private static final Content PNG = new Content("b.png", "image/png", "data:image/png;base64,iVBO", null);
  private static final Content DOC_AS_TEXT = new Content("c.docx", "application/x", null, "Hello");

  private static JsonObject message(JsonObject... parts) {
    JsonArray content = new JsonArray().add(new JsonObject().put("type", "input_text").put("text", "look"));
    for (JsonObject part : parts) {
      content.add(part);
    }
    return new JsonObject().put("type", "message").put("role", "user").put("content", content);
  }

  @Test
  void partsNamingFilesAreFoundWithWhereTheyAre() {
    JsonArray items = new JsonArray()
        .add(message(new JsonObject().put("type", "input_file").put("file_id", "file-a")))
        .add(new JsonObject().put("type", "function_call_output").put("call_id", "c").put("output", new JsonArray()
            .add(new JsonObject().put("type", "input_image").put("file_id", "file-b"))));
    assertThat(FileParts.references(items, "input")).containsExactly(
        new FileParts.Reference("file-a", "input[0].content[1].file_id", false),
        new FileParts.Reference("file-b", "input[1].output[0].file_id", true));
    assertThat(FileParts.ids(items)).containsExactly("file-a", "file-b");
  }

  @Test
  void filesAreSentAsThemselvesAsImagesOrAsTextAndTheItemsAreNotChanged() {
    JsonArray items = new JsonArray().add(message(
        new JsonObject().put("type", "input_file").put("file_id", "file-a").put("filename", "ignored.pdf"),
        new JsonObject().put("type", "input_image").put("file_id", "file-b").put("detail", "high"),
        new JsonObject().put("type", "input_file").put("file_id", "file-b"),
        new JsonObject().put("type", "input_file").put("file_id", "file-c")));
    JsonArray before = items.copy();
    JsonArray resolved = FileParts.resolve(items, Map.of("file-a", PDF, "file-b", PNG, "file-c", DOC_AS_TEXT));
    assertThat(items).isEqualTo(before);
    assertThat(resolved.getJsonObject(0).getJsonArray("content")).containsExactly(
        new JsonObject().put("type", "input_text").put("text", "look"),
        new JsonObject().put("type", "input_file").put("filename", "a.pdf").put("file_data", PDF.dataUrl()),
        new JsonObject().put("type", "input_image").put("image_url", PNG.dataUrl()).put("detail", "high"),
        new JsonObject().put("type", "input_image").put("image_url", PNG.dataUrl()).put("detail", "auto"),
        new JsonObject().put("type", "input_text").put("text", "[file: c.docx]\nHello"));
  }

  @Test
  void itemsNamingNoFileAreReturnedAsTheyAre() {
    JsonArray items = new JsonArray().add(message());
    assertThat(FileParts.resolve(items, Map.of())).isSameAs(items);
  }
}
