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

  /** Bytes with a valid checksum but a header no writer produces. */
  private static byte[] crafted(int rank, long count) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(3 + 4 * Math.max(rank, 0) + 8 + 8 * 5 + 4);
    b.put(MomentsCodec.FORMAT_VERSION).put((byte) 1).put((byte) rank);
    for (int i = 0; i < rank; i++) {
      b.putInt(2);
    }
    b.putLong(count);
    for (int i = 0; i < 5; i++) {
      b.putDouble(0);
    }
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return java.util.Arrays.copyOf(b.array(), b.position());
  }

  @Test
  void wellFormedButInvalidHeadersAreRefusedAsFormatErrors() {
    assertEquals(2, MomentsCodec.decodeMoments(crafted(1, 2)).count()); // the crafting itself is right
    MomentsFormatException rank = assertThrows(MomentsFormatException.class, () -> MomentsCodec.decodeMoments(crafted(0, 2)));
    assertTrue(rank.getMessage().contains("rank 0"), rank.getMessage());
    MomentsFormatException count = assertThrows(MomentsFormatException.class,
        () -> MomentsCodec.decodeMoments(crafted(1, -3)));
    assertTrue(count.getMessage().contains("-3"), count.getMessage());
  }

  @Test
  void anEmptyBatchRoundTrips() {
    MomentsBatch empty = MomentsBatch.empty(0, 4, 2);
    assertEquals(empty, MomentsCodec.decodeBatch(MomentsCodec.encode(empty)));
  }
}
