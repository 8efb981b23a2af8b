package org.mcposterior.platform;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BlasSelfCheckTest {

  @Test
  void thisProcessComputesCorrectProducts() {
    // surefire starts the test JVM with OPENBLAS_CORETYPE set (pom.xml); the check must pass.
    assertDoesNotThrow(BlasSelfCheck::requireCorrect);
  }

  @Test
  void catchesAWrongProduct() {
    // A product that is right except for one element: the kind of error a wrong kernel makes.
    BlasSelfCheck.Product slightlyWrong = (a, b, m, k, n) -> {
      double[] c = BlasSelfCheck.reference(a, b, m, k, n);
      c[c.length / 2] += 0.5;
      return c;
    };
    List<BlasSelfCheck.Failure> failures = BlasSelfCheck.check("test dgemm", slightlyWrong, 1e-10);
    assertEquals(4, failures.size(), "every shape must be caught");
    String msg = BlasSelfCheck.message(failures);
    assertTrue(msg.contains("test dgemm 256x256x256"), msg);
    assertTrue(msg.contains("OPENBLAS_CORETYPE=HASWELL"), msg);
  }

  @Test
  void catchesNaNAndAcceptsExactProduct() {
    BlasSelfCheck.Product nan = (a, b, m, k, n) -> new double[m * n];
    assertFalse(BlasSelfCheck.check("zeros", nan, 1e-4).isEmpty());
    BlasSelfCheck.Product allNaN = (a, b, m, k, n) -> {
      double[] c = BlasSelfCheck.reference(a, b, m, k, n);
      c[0] = Double.NaN;
      return c;
    };
    assertFalse(BlasSelfCheck.check("nan", allNaN, 1e-4).isEmpty());
    assertTrue(BlasSelfCheck.check("exact", BlasSelfCheck::reference, 0).isEmpty());
  }

  @Test
  void directGemmMatchesReference() {
    float[] a = {1, 2, 3, 4, 5, 6}; // 2x3
    float[] b = {1, 0, 0, 1, 1, 1}; // 3x2
    try (NativeFloats x = NativeFloats.of(a); NativeFloats y = NativeFloats.of(b); NativeFloats z = NativeFloats.allocate(4)) {
      NativeGemm.sgemm(false, false, 2, 2, 3, 1f, x, 0, 3, y, 0, 2, 0f, z, 0, 2);
      assertEquals(4f, z.get(0));
      assertEquals(5f, z.get(1));
      assertEquals(10f, z.get(2));
      assertEquals(11f, z.get(3));
    }
  }
}
