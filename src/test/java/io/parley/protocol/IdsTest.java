package io.parley.protocol;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {

  @Test
  void childrenShareTheChainTagButNotTheRandomPart() {
    String root = Ids.newResponseId(null);
    String child = Ids.newResponseId(root);
    assertThat(Ids.isResponseId(root)).isTrue();
    assertThat(Ids.chainTag(child)).isEqualTo(Ids.chainTag(root));
    assertThat(child).isNotEqualTo(root);
  }

  @Test
  void idsAreUnique() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(Ids.newResponseId(null));
    }
    assertThat(ids).hasSize(10_000);
  }

  @Test
  void foreignStringsAreNotResponseIds() {
    assertThat(Ids.isResponseId("resp_123")).isFalse();
    assertThat(Ids.isResponseId("resp_" + "g".repeat(48))).isFalse();
    assertThat(Ids.isResponseId(null)).isFalse();
    String valid = Ids.newResponseId(null);
    assertThat(Ids.isResponseId(valid + "0")).as("too long").isFalse();
    assertThat(Ids.isResponseId(valid.toUpperCase())).as("upper case").isFalse();
    assertThat(Ids.isResponseId("conv_" + valid.substring(5))).as("another kind of id").isFalse();
    assertThat(Ids.isResponseId(valid.substring(0, 20) + ":" + valid.substring(21))).as("a key separator").isFalse();
    assertThat(Ids.isResponseId(valid.substring(0, 20) + "{" + valid.substring(21))).as("a hash-tag brace").isFalse();
    assertThat(Ids.isResponseId("resp_" + "/".repeat(48))).as("the character before '0'").isFalse();
    assertThat(Ids.isResponseId("resp_" + "`".repeat(48))).as("the character before 'a'").isFalse();
    assertThat(Ids.isResponseId("resp_" + "0123456789abcdef".repeat(3))).isTrue();
    assertThat(Ids.isConversationId(Ids.newConversationId())).isTrue();
    assertThat(Ids.isConversationId(valid)).isFalse();
  }
}
