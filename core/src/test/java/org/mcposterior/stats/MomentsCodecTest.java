package org.mcposterior.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mcposterior.testsupport.HeuristicsFixtures;

class MomentsCodecTest {

  @Test
  void oneExampleOfTenClassesTakes187Bytes() {
    Moments m = Moments.of(HeuristicsFixtures.random(1, 1, new int[] {10}, 20, 1, false), 0, Probabilities.AUTO);
    byte[] bytes = MomentsCodec.encode(m);
    assertEquals(187, bytes.length);
    assertEquals(MomentsCodec.FORMAT_VERSION, bytes[0]);
    assertEquals(m, MomentsCodec.decodeMoments(bytes));
  }

  @Test
  void theOtherKindIsRefusedNamingTheDecoderToUse() {
    MomentsBatch b = MomentsBatch.of(HeuristicsFixtures.random(1, 2, new int[] {3}, 4, 1, false), Probabilities.AUTO);
    MomentsFormatException e = assertThrows(MomentsFormatException.class,
        () -> MomentsCodec.decodeMoments(MomentsCodec.encode(b)));
    assertTrue(e.getMessage().contains("decodeBatch"), e.getMessage());
    assertThrows(MomentsFormatException.class, () -> MomentsCodec.decodeBatch(MomentsCodec.encode(b.example(0))));
  }

  @Test
  void anEmptyBatchRoundTrips() {
    MomentsBatch empty = MomentsBatch.empty(0, 4, 2);
    assertEquals(empty, MomentsCodec.decodeBatch(MomentsCodec.encode(empty)));
  }
}
