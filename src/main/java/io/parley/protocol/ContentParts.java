package io.parley.protocol;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Validates content parts (text, refusal, image, file) and maps them to Chat Completions parts. */
final class ContentParts {

  private ContentParts() {
  }

  static JsonObject normalize(Object value, String param) {
    if (!(value instanceof JsonObject part)) {
      throw ApiError.invalidType(param, "an object", value);
    }
    String type = InputItems.requiredString(part, "type", param);
    switch (type) {
      case "input_text", "output_text" -> {
        JsonObject text = InputItems.textPart(type, InputItems.requiredString(part, "text", param));
        if (type.equals("output_text") && part.getValue("logprobs") instanceof JsonArray logprobs) {
          text.put("logprobs", logprobs);
        }
        return text;
      }
      case "refusal" -> {
        return new JsonObject().put("type", "refusal").put("refusal", InputItems.requiredString(part, "refusal", param));
      }
      case "input_image" -> {
        String url = InputItems.optionalString(part, "image_url", param);
        String fileId = InputItems.optionalString(part, "file_id", param);
        if (url == null && fileId == null) {
          throw ApiError.missing(param + ".image_url");
        }
        if (url != null && !(url.startsWith("https://") || url.startsWith("http://") || url.startsWith("data:"))) {
          throw ApiError.invalidValue(param + ".image_url",
              "Invalid 'image_url': expected an http(s) URL or a base64 data: URL.");
        }
        String detail = InputItems.optionalString(part, "detail", param);
        JsonObject image = new JsonObject().put("type", "input_image");
        if (url != null) {
          image.put("image_url", url);
        }
        if (fileId != null) {
          image.put("file_id", fileId);
        }
        return image.put("detail", detail != null ? detail : "auto");
      }
      case "input_file" -> {
        String data = InputItems.optionalString(part, "file_data", param);
        String url = InputItems.optionalString(part, "file_url", param);
        String fileId = InputItems.optionalString(part, "file_id", param);
        if (data == null && url == null && fileId == null) {
          throw ApiError.badRequest("missing_required_parameter", param + ".file_id", "Missing required parameter: one of '"
              + param + ".file_id', '" + param + ".file_data' or '" + param + ".file_url'.");
        }
        JsonObject file = new JsonObject().put("type", "input_file");
        String filename = InputItems.optionalString(part, "filename", param);
        if (filename != null) {
          file.put("filename", filename);
        }
        if (fileId != null) {
          file.put("file_id", fileId);
        }
        if (data != null) {
          return file.put("file_data", data);
        }
        return url != null ? file.put("file_url", url) : file;
      }
      default -> throw ApiError.invalidValue(param + ".type",
          "Invalid value for '" + param + ".type': content part type '" + type + "' is not supported by this gateway.");
    }
  }

  /** Chat Completions content: a plain string for a lone text part, else a list of typed parts. */
  static Object toChat(JsonArray parts) {
    if (parts.size() == 1 && isText(parts.getJsonObject(0))) {
      return text(parts.getJsonObject(0));
    }
    JsonArray chat = new JsonArray();
    for (Object o : parts) {
      chat.add(toChat((JsonObject) o));
    }
    return chat;
  }

  private static JsonObject toChat(JsonObject part) {
    return switch (part.getString("type")) {
      // A file part still naming a stored file was not resolved (see FileParts): Chat Completions' own form.
      case "input_image", "input_file" -> part.getString("file_id") != null ? unresolved(part) : media(part);
      default -> new JsonObject().put("type", "text").put("text", text(part));
    };
  }

  private static JsonObject unresolved(JsonObject part) {
    return new JsonObject().put("type", "file").put("file", new JsonObject().put("file_id", part.getString("file_id")));
  }

  private static JsonObject media(JsonObject part) {
    return switch (part.getString("type")) {
      case "input_image" -> new JsonObject().put("type", "image_url").put("image_url",
          new JsonObject().put("url", part.getString("image_url")).put("detail", part.getString("detail")));
      case "input_file" -> {
        JsonObject file = new JsonObject();
        if (part.getString("filename") != null) {
          file.put("filename", part.getString("filename"));
        }
        if (part.getString("file_data") != null) {
          file.put("file_data", part.getString("file_data"));
        } else {
          file.put("file_url", part.getString("file_url"));
        }
        yield new JsonObject().put("type", "file").put("file", file);
      }
      default -> throw new IllegalArgumentException(part.getString("type"));
    };
  }

  private static boolean isText(JsonObject part) {
    String type = part.getString("type");
    return type.equals("input_text") || type.equals("output_text") || type.equals("refusal");
  }

  private static String text(JsonObject part) {
    return "refusal".equals(part.getString("type")) ? part.getString("refusal") : part.getString("text");
  }
}
