package org.mcposterior.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.zoo.model.*;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.mcposterior.models.Network;
import org.mcposterior.testsupport.Networks;
import org.mcposterior.testsupport.Tolerances;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DESIGN.md invariant 9 on DL4J 1.0.0-M2.1's model zoo, every network built with random weights
 * ({@code init()}, never pretrained) at a small input shape: the compiled plan's deterministic
 * pass equals DL4J's own {@code output(x)} to relative 1e-4, or compiling is refused with a
 * paragraph naming the layer and its class.
 */
class ZooConformanceTest {

  /** A zoo model, the per-example input shape it is built for, and what the plan must do with it. */
  record Zoo(String name, Supplier<Model> model, long[] shape, String refusedClass) {}

  /** Zoo networks taking more than about 8 s each here (measured, 2-core machine): tagged zoo-slow. */
  static final List<String> SLOW = List.of("AlexNet (11.6 s)", "VGG16 (9.9 s)", "YOLO2 (24.2 s)",
      "InceptionResNetV1 (25.5 s)", "Xception (11.9 s)",
      "ResNet50 (its average pooling needs 224x224 input: at 128x128 it meets 2x2 images)");

  /**
   * Zoo networks whose float output is sensitive to rounding at random weights, so that two float
   * computations (DL4J's and the plan's, which sum in other orders) cannot agree to 1e-4. For these
   * the exact answer decides: the network is run by DL4J in double precision, DL4J's own float
   * output must be off it by more than 1e-3 (the premise, checked, so a well-conditioned network
   * cannot hide here), and the plan's float output must be off it by at most
   * {@link #FLOAT_ALLOWANCE} times DL4J's own float error (a bound of float rounding amplified by
   * the network, not a proof of equality).
   *
   * <p>InceptionResNetV1 at 96x96 with random weights is chaotic: without trained batch-norm
   * statistics its pre-activations reach 1e5 to 1e6 before the tanh of each residual block, so a
   * float's relative rounding of 1e-7 moves them by up to 0.1, saturated tanh units flip, and the
   * difference grows block by block (by the last of the 20 blocks both DL4J's float pass and the
   * plan have tanh outputs off the double pass by up to 1). Compared node by node with DL4J's
   * double-precision activations ({@code feedForward(x, false)}, whose residual sums and merges
   * feeding an ActivationLayer are overwritten in place by it, so those are compared after it),
   * the plan's error and DL4J's own float error stay within 0.6x to 2.3x of each other at every
   * vertex, from the first convolution to the embeddings, with no node where the plan's error
   * jumps (no batch-norm, merge, scale or sum that computes something else); the output layer
   * (DL4J's own) turns the embeddings' 1.2x into the 2.86x below. Over eight inputs (seeds 3 to
   * 10, measured on a 2-core AMD EPYC) DL4J float is 1.9% to 6.4% of the largest output off the double pass and the plan 3.3%
   * to 9.3%, the ratio plan / DL4J 0.71 to 2.86 (median 1.2; the plan is the closer one on three
   * inputs). This test's input (seed 3) is the 2.86 one: DL4J 1.9%, the plan 5.4%.
   */
  static final java.util.Set<String> FLOAT_SENSITIVE = java.util.Set.of("InceptionResNetV1");

  /**
   * How many times DL4J's own float error the plan's may be on a {@link #FLOAT_SENSITIVE} network:
   * the largest ratio measured over eight inputs (2.86), rounded up to leave room for another BLAS
   * kernel's rounding.
   */
  static final double FLOAT_ALLOWANCE = 4;

  /** Zoo networks DL4J 1.0.0-M2.1 itself cannot build: their init() must still fail as measured. */
  static final java.util.Map<String, String> DL4J_CANNOT_BUILD = java.util.Map.of(
      "NASNet", "Cannot calculate activation types if no inputs have been set");

  static List<Zoo> zoo() {
    return List.of(
        new Zoo("LeNet", () -> LeNet.builder().numClasses(10).seed(1).build().init(), new long[] {1, 28, 28}, null),
        new Zoo("SimpleCNN", () -> SimpleCNN.builder().numClasses(5).seed(1).inputShape(new int[] {3, 48, 48}).build()
            .init(), new long[] {3, 48, 48}, null),
        new Zoo("AlexNet", () -> AlexNet.builder().numClasses(10).seed(1).inputShape(new int[] {3, 224, 224}).build()
            .init(), new long[] {3, 224, 224}, null),
        new Zoo("VGG16", () -> VGG16.builder().numClasses(10).seed(1).inputShape(new int[] {3, 32, 32}).build().init(),
            new long[] {3, 32, 32}, null),
        new Zoo("VGG19", () -> VGG19.builder().numClasses(10).seed(1).inputShape(new int[] {3, 32, 32}).build().init(),
            new long[] {3, 32, 32}, null),
        new Zoo("ResNet50", () -> ResNet50.builder().numClasses(10).seed(1).inputShape(new int[] {3, 224, 224}).build()
            .init(), new long[] {3, 224, 224}, null),
        new Zoo("Darknet19", () -> Darknet19.builder().numClasses(10).seed(1).inputShape(new int[] {3, 64, 64}).build()
            .init(), new long[] {3, 64, 64}, null),
        new Zoo("TinyYOLO", () -> TinyYOLO.builder().numClasses(3).seed(1).inputShape(new int[] {3, 64, 64}).build()
            .init(), new long[] {3, 64, 64}, null),
        new Zoo("YOLO2", () -> YOLO2.builder().numClasses(3).seed(1).inputShape(new int[] {3, 64, 64}).build().init(),
            new long[] {3, 64, 64}, null),
        new Zoo("SqueezeNet", () -> SqueezeNet.builder().numClasses(10).seed(1).inputShape(new int[] {3, 64, 64})
            .build().init(), new long[] {3, 64, 64}, null),
        new Zoo("UNet", () -> UNet.builder().numClasses(1).seed(1).inputShape(new int[] {3, 32, 32}).build().init(),
            new long[] {3, 32, 32}, null),
        new Zoo("Xception", () -> Xception.builder().numClasses(10).seed(1).inputShape(new int[] {3, 71, 71}).build()
            .init(), new long[] {3, 71, 71}, null),
        new Zoo("InceptionResNetV1", () -> InceptionResNetV1.builder().numClasses(10).seed(1)
            .inputShape(new int[] {3, 96, 96}).build().init(), new long[] {3, 96, 96}, null),
        new Zoo("FaceNetNN4Small2", () -> FaceNetNN4Small2.builder().numClasses(10).seed(1)
            .inputShape(new int[] {3, 96, 96}).build().init(), new long[] {3, 96, 96}, null),
        new Zoo("TextGenerationLSTM", () -> TextGenerationLSTM.builder().totalUniqueCharacters(12).maxLength(6).seed(1)
            .inputShape(new int[] {6, 12}).build().init(), new long[] {12, 6}, null));
  }

  @TestFactory
  Stream<DynamicTest> everyZooModelMatchesDl4jOrIsRefused() {
    return zoo().stream().filter(z -> !isSlow(z)).map(ZooConformanceTest::test);
  }

  @TestFactory
  @org.junit.jupiter.api.Tag("zoo-slow")
  Stream<DynamicTest> slowZooModelsMatchDl4jOrAreRefused() {
    return zoo().stream().filter(ZooConformanceTest::isSlow).map(ZooConformanceTest::test);
  }

  @org.junit.jupiter.api.Test
  void zooModelsDl4jCannotBuildStillFail() {
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> NASNet.builder().numClasses(10).seed(1).inputShape(new int[] {3, 64, 64}).build().init());
    assertTrue(e.getMessage().contains(DL4J_CANNOT_BUILD.get("NASNet")), e.getMessage());
    assertTrue(zoo().size() + DL4J_CANNOT_BUILD.size() == 16, "the zoo has 16 models in DL4J 1.0.0-M2.1");
  }

  private static boolean isSlow(Zoo z) {
    return SLOW.stream().anyMatch(s -> s.startsWith(z.name() + " "));
  }

  private static DynamicTest test(Zoo z) {
    return DynamicTest.dynamicTest(z.name(), () -> {
      long t0 = System.nanoTime();
      Model model = z.model().get();
      long[] shape = new long[z.shape().length + 1];
      shape[0] = 1;
      System.arraycopy(z.shape(), 0, shape, 1, z.shape().length);
      INDArray x = Networks.input(3, -1, 1, shape);
      INDArray expected = Network.of(model).output(x)[0];
      INDArray got = ConformanceSuiteTest.deterministic(model, x, true).reshape(expected.shape());
      // random weights can overflow a deep network (ResNet50 at 224x224 gives NaN in DL4J): the plan
      // must give NaN exactly where DL4J does, and agree elsewhere
      INDArray nanE = expected.isNaN();
      org.junit.jupiter.api.Assertions.assertEquals(nanE, got.isNaN(), z.name() + ": NaN at other places than DL4J's");
      expected = expected.dup();
      got = got.dup();
      org.nd4j.linalg.factory.Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.transforms.comparison
          .CompareAndSet(expected, 0.0, org.nd4j.linalg.indexing.conditions.Conditions.isNan()));
      org.nd4j.linalg.factory.Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.transforms.comparison
          .CompareAndSet(got, 0.0, org.nd4j.linalg.indexing.conditions.Conditions.isNan()));
      if (FLOAT_SENSITIVE.contains(z.name())) {
        INDArray exact = Network.of(convertToDouble(model)).output(x.castTo(DataType.DOUBLE))[0].castTo(DataType.DOUBLE);
        double dl4jError = relativeError(expected, exact);
        double planError = relativeError(got, exact);
        org.junit.jupiter.api.Assertions.assertTrue(dl4jError > 1e-3, z.name() + ": DL4J's float output is within "
            + dl4jError + " of the double-precision one, so the network is not float-sensitive: compare it to 1e-4");
        org.junit.jupiter.api.Assertions.assertTrue(planError <= FLOAT_ALLOWANCE * dl4jError, z.name() + ": the plan is "
            + planError + " off the double-precision output, DL4J's float output " + dl4jError + " (allowed: "
            + FLOAT_ALLOWANCE + " times)");
      } else {
        Tolerances.assertClose(expected, got, ConformanceSuiteTest.RELATIVE, z.name());
      }
      System.out.printf("zoo %s: %.1f s%n", z.name(), (System.nanoTime() - t0) / 1e9);
    });
  }

  private static Model convertToDouble(Model m) {
    return m instanceof org.deeplearning4j.nn.graph.ComputationGraph g ? g.convertDataType(DataType.DOUBLE)
        : ((org.deeplearning4j.nn.multilayer.MultiLayerNetwork) m).convertDataType(DataType.DOUBLE);
  }

  /** The largest absolute difference from {@code exact}, relative to the largest absolute value of {@code exact}. */
  private static double relativeError(INDArray a, INDArray exact) {
    INDArray d = a.castTo(DataType.DOUBLE).reshape(exact.shape()).sub(exact);
    return org.nd4j.linalg.ops.transforms.Transforms.abs(d).maxNumber().doubleValue()
        / org.nd4j.linalg.ops.transforms.Transforms.abs(exact).maxNumber().doubleValue();
  }
}
