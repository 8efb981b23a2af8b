package org.mcposterior.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class ReferenceNetworksTest {

  @Test
  void seedZeroGivesRepeatableWeights() {
    // nd4j treats .seed(0) as unseeded; the project's default seed 0 must still repeat.
    assertEquals(ReferenceNetworks.mlp(0).params(), ReferenceNetworks.mlp(0).params());
    assertEquals(ReferenceNetworks.cnn(0).params(), ReferenceNetworks.cnn(0).params());
    assertNotEquals(ReferenceNetworks.mlp(0).params(), ReferenceNetworks.mlp(1).params());
    assertNotEquals(0L, ReferenceNetworks.dl4jSeed(0));
  }
}
