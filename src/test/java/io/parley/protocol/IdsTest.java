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
  }
}
