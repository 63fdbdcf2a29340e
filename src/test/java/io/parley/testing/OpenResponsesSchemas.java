package io.parley.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Open Responses OpenAPI document ({@code src/test/resources/spec}, Apache-2.0) as JSON Schema 2020-12
 * validators; {@link #openAi()} does the same for OpenAI's own description of the Responses API, for what Open
 * Responses does not describe (hosted tool calls and their events). Each schema is loaded by its location inside
 * the whole document, so the document's {@code #/components/schemas/...} references resolve.
 */
public final class OpenResponsesSchemas {

  private static final int SNIPPET = 400;
  /** A combinator branch in an evaluation path; group 1 is its index. */
  private static final Pattern BRANCH = Pattern.compile("\\.(?:oneOf|anyOf)(\\[\\d+\\])");
  /** What is left of a path inside a branch whose discriminating {@code type} or JSON type did not match. */
  private static final Pattern WRONG_KIND =
      Pattern.compile("(\\.\\$ref|\\.allOf\\[\\d+\\])*\\.(properties\\.type\\.enum|type)");

  /**
   * Parley emits OpenAI's names for these events (the official SDKs know only those); Open Responses
   * names the same events {@code response.reasoning.delta}/{@code .done} with the same fields.
   */
  private static final Map<String, String> OPENAI_NAMES = Map.of(
      "response.reasoning_text.delta", "response.reasoning.delta",
      "response.reasoning_text.done", "response.reasoning.done");

  private final JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
  private final Map<String, JsonSchema> schemas = new ConcurrentHashMap<>();
  private final Map<String, String> eventSchemas = new HashMap<>();
  private final ObjectMapper mapper = new ObjectMapper();
  private final String document;
  private final Map<String, String> renamed;

  public OpenResponsesSchemas() {
    this("spec/openresponses-openapi.json", "StreamingEvent", OPENAI_NAMES);
  }

  /** OpenAI's OpenAPI description of the Responses API (its stream events are the {@code Response*Event} schemas). */
  public static OpenResponsesSchemas openAi() {
    return new OpenResponsesSchemas("spec/openai-responses-openapi.json", "Event", Map.of());
  }

  private OpenResponsesSchemas(String resource, String eventSuffix, Map<String, String> renamed) {
    this.document = "classpath:" + resource;
    this.renamed = renamed;
    try (InputStream in = OpenResponsesSchemas.class.getResourceAsStream("/" + resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the test classpath");
      }
      mapper.readTree(in).path("components").path("schemas").properties().forEach(entry -> {
        JsonNode type = entry.getValue().path("properties").path("type").path("enum").path(0);
        if (entry.getKey().endsWith(eventSuffix) && type.isTextual()) {
          eventSchemas.put(type.asText(), entry.getKey());
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The schema name for a stream event type, following {@link #OPENAI_NAMES}; {@code null} if there is none. */
  public String eventSchema(String type) {
    return eventSchemas.get(renamed.getOrDefault(type, type));
  }

  /**
   * Validates one stream event against the schema of its type. An event under one of {@link #OPENAI_NAMES}
   * is validated under its Open Responses name, so only the name differs and every field is still checked.
   */
  public List<String> eventViolations(JsonObject event, String where) {
    String type = event.getString("type");
    String name = renamed.get(type);
    return violations(eventSchema(type), name == null ? event : event.copy().put("type", name), where);
  }

  /**
   * Validates {@code json} against {@code components.schemas.<schemaName>}.
   *
   * @param where names the payload in the messages, e.g. {@code "stream text #3 response.output_text.delta"}
   * @return one line per violation: where, instance path, schema path, message and the offending JSON
   */
  public List<String> violations(String schemaName, JsonObject json, String where) {
    JsonSchema schema = schemas.computeIfAbsent(schemaName,
        name -> factory.getSchema(SchemaLocation.of(document + "#/components/schemas/" + name)));
    JsonNode instance;
    try {
      instance = mapper.readTree(json.encode());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return relevant(schema.validate(instance)).stream()
        .sorted(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString())
            .thenComparing(m -> m.getEvaluationPath().toString()))
        .map(m -> where + " [" + schemaName + "] at " + m.getInstanceLocation() + " (schema "
            + m.getEvaluationPath() + "): " + m.getMessage() + "\n    offending: " + snippet(m.getInstanceNode()))
        .toList();
  }

  /**
   * Drops the noise of {@code oneOf}/{@code anyOf} branches that are plainly the wrong kind (their
   * {@code type} enum or JSON type does not match), as long as another branch of the same combinator
   * failed for a real reason. Never turns a failure into a pass: the unfiltered set is kept otherwise.
   */
  static Set<ValidationMessage> relevant(Set<ValidationMessage> messages) {
    Map<String, Set<String>> wrongKind = new HashMap<>();
    Map<String, Set<String>> failedBranches = new HashMap<>();
    for (ValidationMessage m : messages) {
      String evaluation = m.getEvaluationPath().toString();
      Matcher branch = BRANCH.matcher(evaluation);
      while (branch.find()) {
        String combinator = evaluation.substring(0, branch.start(1));
        String path = evaluation.substring(0, branch.end());
        failedBranches.computeIfAbsent(combinator, k -> new HashSet<>()).add(path);
        if (WRONG_KIND.matcher(evaluation.substring(branch.end())).matches()) {
          wrongKind.computeIfAbsent(combinator, k -> new HashSet<>()).add(path);
        }
      }
    }
    Set<String> dropped = new HashSet<>();
    wrongKind.forEach((combinator, branches) -> {
      if (!branches.containsAll(failedBranches.get(combinator))) {
        dropped.addAll(branches);
      }
    });
    Set<ValidationMessage> kept = new LinkedHashSet<>();
    for (ValidationMessage m : messages) {
      String path = m.getEvaluationPath().toString();
      if (dropped.stream().noneMatch(b -> path.startsWith(b + "."))) {
        kept.add(m);
      }
    }
    return kept.isEmpty() ? messages : kept;
  }

  private static String snippet(JsonNode node) {
    String text = String.valueOf(node);
    return text.length() <= SNIPPET ? text : text.substring(0, SNIPPET) + "...";
  }
}
