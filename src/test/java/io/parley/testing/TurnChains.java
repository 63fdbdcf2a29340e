package io.parley.testing;

import io.parley.testing.Gateway.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chains of turns through a gateway, for fault tests: what was acknowledged (a 200 and its id), so a test
 * can check afterwards that each acknowledged turn is still there and that its chain still continues
 * with its whole history.
 */
public final class TurnChains {

  private final Gateway gateway;
  private final RecordingUpstream provider;

  public TurnChains(Gateway gateway, RecordingUpstream provider) {
    this.gateway = gateway;
    this.provider = provider;
  }

  /** One acknowledged turn: its id and the user text it was sent with. */
  public record Turn(String id, String input) {
  }

  /** Sends one turn (the provider answers {@code "answer n"}); the reply as it came. */
  public Reply send(String input, String previousId) {
    JsonObject body = new JsonObject().put("model", "test-model").put("input", input);
    if (previousId != null) {
      body.put("previous_response_id", previousId);
    }
    return gateway.post("/v1/responses", body);
  }

  /** A chain of {@code length} acknowledged turns, oldest first; fails if any turn is not a 200. */
  public List<Turn> chain(String name, int length) {
    List<Turn> turns = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      extend(turns, name + " " + i);
    }
    return turns;
  }

  /** Adds one acknowledged turn to {@code turns}; fails if it is not a 200. */
  public Turn extend(List<Turn> turns, String input) {
    Reply reply = send(input, turns.isEmpty() ? null : turns.get(turns.size() - 1).id());
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    Turn turn = new Turn(reply.json().getString("id"), input);
    turns.add(turn);
    return turn;
  }

  /**
   * Every turn of the chain can be retrieved, and a new turn on its head reaches the provider with the
   * chain's whole history, in order: nothing acknowledged was lost.
   */
  public void assertIntact(List<Turn> turns) {
    for (Turn turn : turns) {
      Reply retrieved = gateway.get("/v1/responses/" + turn.id());
      assertThat(retrieved.status()).as("retrieve %s: %s", turn.id(), retrieved.body()).isEqualTo(200);
    }
    Reply next = send("after", turns.get(turns.size() - 1).id());
    assertThat(next.status()).as(next.body()).isEqualTo(200);
    JsonArray messages = provider.lastMessages();
    List<String> userTexts = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonObject message = messages.getJsonObject(i);
      if ("user".equals(message.getString("role"))) {
        userTexts.add(message.getString("content"));
      }
    }
    List<String> expected = new ArrayList<>(turns.stream().map(Turn::input).toList());
    expected.add("after");
    assertThat(userTexts).as("the history the provider got for %s", turns.get(turns.size() - 1).id())
        .isEqualTo(expected);
  }
}
