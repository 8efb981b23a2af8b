package org.mcposterior.randomness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyedRandomTest {

  @Test
  void vectorAndScalarMasksAreBitwiseEqual() {
    assertTrue(KeyedRandom.VECTOR, "tests run with jdk.incubator.vector (surefire argLine), so the vector path is tested");
    SplittableRandom r = new SplittableRandom(1);
    for (int n : new int[] {1, 3, 7, 8, 9, 16, 31, 512, 1000, 3872}) {
      for (double p : new double[] {0.0, 0.1, 0.25, 0.5, 0.9, 0.999}) {
        long key = r.nextLong();
        int[] index = KeyedRandom.indexTable(n);
        float[] v = new float[n], s = new float[n];
        KeyedRandom.keepFactors(key, index, n, KeyedRandom.dropThreshold(p), 2.5f, new int[n], v);
        KeyedRandom.scalarKeepFactors(key, index, n, KeyedRandom.dropThreshold(p), 2.5f, new int[n], s);
        assertArrayEquals(s, v, "n=" + n + " p=" + p);
        float[] x = new float[n + 3];
        for (int j = 0; j < x.length; j++) {
          x[j] = (float) r.nextDouble();
        }
        float[] y = x.clone();
        KeyedRandom.applyKeep(key, index, n, KeyedRandom.dropThreshold(p), 2.5f, y, 0, new int[n], new float[n]);
        for (int j = 0; j < n; j++) {
          assertEquals(x[j] * s[j], y[j], 0f);
        }
        for (int j = n; j < x.length; j++) {
          assertEquals(x[j], y[j], 0f, "untouched beyond n");
        }
      }
    }
  }

  @Test
  void elementsMatchTheDefinition() {
    long key = 0x1234_5678_9abc_def0L;
    int[] out = new int[100];
    KeyedRandom.elements(key, KeyedRandom.indexTable(100), 100, out);
    for (int j = 0; j < 100; j++) {
      assertEquals(KeyedRandom.element(key, j), out[j]);
    }
  }

  @Test
  void dropRateIsP() {
    int n = 200_000;
    for (double p : new double[] {0.05, 0.3, 0.5, 0.77}) {
      float[] f = new float[n];
      KeyedRandom.keepFactors(KeyedRandom.streamKey(9, 1, 2, 3), KeyedRandom.indexTable(n), n,
          KeyedRandom.dropThreshold(p), 1f, new int[n], f);
      int dropped = 0;
      for (float v : f) {
        dropped += v == 0f ? 1 : 0;
      }
      // binomial standard error < 0.0012; 5 sigma
      assertEquals(p, dropped / (double) n, 0.006, "p = " + p);
    }
  }

  @Test
  void keysSeparateEveryComponentAndDomain() {
    Set<Long> keys = new HashSet<>();
    for (long seed = 0; seed < 3; seed++) {
      for (long ex = 0; ex < 20; ex++) {
        for (long it = 0; it < 20; it++) {
          for (int site = 0; site < 3; site++) {
            assertTrue(keys.add(KeyedRandom.streamKey(seed, ex, it, site)));
          }
        }
      }
      for (long it = 0; it < 20; it++) {
        for (int site = 0; site < 3; site++) {
          assertTrue(keys.add(KeyedRandom.consistentKey(seed, it, site)), "consistent keys never equal independent ones");
        }
      }
    }
    assertEquals(KeyedRandom.streamKey(1, 2, 3, 4), KeyedRandom.streamKey(1, 2, 3, 4), "pure function");
    assertNotEquals(KeyedRandom.exampleKey("a"), KeyedRandom.exampleKey("b"));
    assertEquals(KeyedRandom.exampleKey("id-17"), KeyedRandom.exampleKey("id-17"));
  }

  @Test
  void neighbouringStreamsAreUncorrelated() {
    // Masks of examples k and k+1 at p = 0.5 agree on about half the elements.
    int n = 100_000;
    float[] a = new float[n], b = new float[n];
    int[] idx = KeyedRandom.indexTable(n);
    KeyedRandom.keepFactors(KeyedRandom.streamKey(0, 41, 0, 0), idx, n, KeyedRandom.dropThreshold(0.5), 1f, new int[n], a);
    KeyedRandom.keepFactors(KeyedRandom.streamKey(0, 42, 0, 0), idx, n, KeyedRandom.dropThreshold(0.5), 1f, new int[n], b);
    int agree = 0;
    for (int j = 0; j < n; j++) {
      agree += a[j] == b[j] ? 1 : 0;
    }
    assertEquals(0.5, agree / (double) n, 0.01);
  }
}
