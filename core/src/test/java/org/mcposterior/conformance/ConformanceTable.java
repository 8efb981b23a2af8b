package org.mcposterior.conformance;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.*;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.graph.rnn.ReverseTimeSeriesVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.*;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping1D;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping2D;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping3D;
import org.deeplearning4j.nn.conf.layers.misc.ElementWiseMultiplicationLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.layers.misc.RepeatVector;
import org.deeplearning4j.nn.conf.layers.objdetect.Yolo2OutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaLayer;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLambdaVertex;
import org.deeplearning4j.nn.conf.layers.util.MaskLayer;
import org.deeplearning4j.nn.conf.layers.util.MaskZeroLayer;
import org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder;
import org.deeplearning4j.nn.conf.preprocessor.*;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.mcposterior.stochastic.McDropoutLayer;
import org.mcposterior.testsupport.Networks;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The conformance table: every concrete DL4J 1.0.0-M2.1 layer, graph vertex and input
 * preprocessor class (found by {@link Dl4jClasses}), plus the project's own McDropoutLayer and
 * small concrete subclasses of DL4J's abstract SameDiff bases, mapped to how the compiled plan
 * treats it and a tiny network that contains it.
 *
 * <p>{@link How#NATIVE} and {@link How#DL4J}: the plan's deterministic pass equals DL4J's
 * {@code output(x)} and its MC mean at drop probability 1e-3 tends to it, and the compiled plan
 * runs the class's nodes with native kernels (NATIVE) or hands them to DL4J's own code (DL4J). {@link How#REFUSED}:
 * compiling the network is refused with a paragraph naming the node and the class; the reason is
 * what the README says. A class missing here fails {@link ConformanceSuiteTest}.
 */
final class ConformanceTable {
  private ConformanceTable() {}

  /** How the plan runs a class. */
  enum How { NATIVE, DL4J, REFUSED }

  /** A tiny network with the class in it, and a seeded input of a few examples. */
  record Case(How how, String note, Supplier<Model> network, Supplier<INDArray> input) {}

  static final long SEED = 1701;

  /** Every class of the table, in README order. */
  static Map<Class<?>, Case> cases() {
    Map<Class<?>, Case> m = new LinkedHashMap<>();
    // ------------------------------------------------------------ feed-forward layers
    m.put(DenseLayer.class, nat("dense kernel (hasLayerNorm(true) runs through DL4J)",
        () -> mln(InputType.feedForward(6), dense(5), out(3)), ff(6)));
    m.put(OutputLayer.class, nat("dense kernel", () -> mln(InputType.feedForward(6), out(3)), ff(6)));
    m.put(ActivationLayer.class, nat("activation kernel (row-wise activations on images run through DL4J)",
        () -> mln(InputType.feedForward(6), dense(5), new ActivationLayer(Activation.SWISH), out(3)), ff(6)));
    m.put(BatchNormalization.class, nat("per-channel affine kernel read off DL4J's own layer",
        () -> mln(InputType.feedForward(6), dense(5), new BatchNormalization.Builder().build(), out(3)), ff(6)));
    m.put(LossLayer.class, nat("activation kernel (flat input); other shapes through DL4J",
        () -> mln(InputType.feedForward(6), dense(4), new LossLayer.Builder().activation(Activation.SOFTMAX).build()), ff(6)));
    m.put(DropoutLayer.class, nat("identity at inference; its dropout is an MC site",
        () -> mln(InputType.feedForward(6), dense(5), new DropoutLayer(0.9), out(3)), ff(6)));
    m.put(McDropoutLayer.class, nat("identity plus an MC site",
        () -> mln(InputType.feedForward(6), dense(5), new McDropoutLayer(1e-6), out(3)), ff(6)));
    m.put(AutoEncoder.class, dl4j(() -> mln(InputType.feedForward(6),
        new AutoEncoder.Builder().nOut(5).activation(Activation.SIGMOID).build(), out(3)), ff(6)));
    m.put(CenterLossOutputLayer.class, dl4j(() -> mln(InputType.feedForward(6), dense(5),
        new CenterLossOutputLayer.Builder().nOut(3).activation(Activation.SOFTMAX).build()), ff(6)));
    m.put(ElementWiseMultiplicationLayer.class, dl4j(() -> mln(InputType.feedForward(6), dense(5),
        new ElementWiseMultiplicationLayer.Builder().nOut(5).activation(Activation.TANH).build(), out(3)), ff(6)));
    m.put(FrozenLayer.class, nat("its inner layer's kernel (frozen layers compute their inner layer at inference)",
        () -> mln(InputType.feedForward(6), new FrozenLayer(dense(5)), out(3)), ff(6)));
    m.put(FrozenLayerWithBackprop.class, nat("its inner layer's kernel (frozen layers compute their inner layer at"
        + " inference)", () -> mln(InputType.feedForward(6), new FrozenLayerWithBackprop(dense(5)), out(3)), ff(6)));
    m.put(PReLULayer.class, dl4j(() -> mln(InputType.feedForward(6), dense(5),
        new PReLULayer.Builder().inputShape(5).build(), out(3)), ff(6)));
    m.put(VariationalAutoencoder.class, dl4j(() -> mln(InputType.feedForward(6),
        new VariationalAutoencoder.Builder().nOut(3).encoderLayerSizes(5).decoderLayerSizes(5).build(), out(3)), ff(6)));
    m.put(EmbeddingLayer.class, dl4j(() -> mln(null, new EmbeddingLayer.Builder().nIn(20).nOut(5).build(),
        dense(4), out(3)), () -> Nd4j.createFromArray(new float[][] {{0}, {19}, {7}})));
    m.put(EmbeddingSequenceLayer.class, dl4j(() -> mln(null,
        new EmbeddingSequenceLayer.Builder().nIn(20).nOut(5).inputLength(4).build(), rnnOut(5, 3)),
        () -> Nd4j.createFromArray(new float[][] {{0, 3, 19, 2}, {5, 5, 1, 0}})));
    m.put(RepeatVector.class, dl4j(() -> mln(InputType.feedForward(6), dense(5),
        new RepeatVector.Builder().repetitionFactor(3).build(), rnnOut(5, 3)), ff(6)));
    // ------------------------------------------------------------ images
    m.put(ConvolutionLayer.class, nat("convolution kernel (NCHW/NHWC, every mode, stride, dilation, padding)",
        () -> mln(img(2, 7, 6), new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(),
            out(3)), img4(2, 7, 6)));
    m.put(SubsamplingLayer.class, nat("pooling kernel for MAX and AVG; PNORM through DL4J",
        () -> mln(img(2, 7, 6), conv(3), new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).build(),
            out(3)), img4(2, 7, 6)));
    m.put(Convolution2D.class, dl4j(() -> alias(mln(img(2, 7, 6), new ConvolutionLayer.Builder(3, 3).nOut(4).build(),
        out(3)), ConvolutionLayer.class, Convolution2D.class), img4(2, 7, 6)));
    m.put(Pooling2D.class, dl4j(() -> alias(mln(img(2, 7, 6), conv(3),
        new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).build(), out(3)), SubsamplingLayer.class,
        Pooling2D.class), img4(2, 7, 6)));
    m.put(Deconvolution2D.class, dl4j(() -> mln(img(2, 5, 4),
        new Deconvolution2D.Builder(2, 2).stride(2, 2).nOut(3).build(), out(3)), img4(2, 5, 4)));
    m.put(DepthwiseConvolution2D.class, dl4j(() -> mln(img(2, 7, 6),
        new DepthwiseConvolution2D.Builder(3, 3).depthMultiplier(2).nOut(4).build(), out(3)), img4(2, 7, 6)));
    m.put(SeparableConvolution2D.class, nat("separable convolution kernel (depthwise loop + pointwise sgemm; NCHW/NHWC,"
        + " every mode, stride, dilation, padding, depth multiplier; DropConnect refused)", () -> mln(img(2, 7, 6),
        new SeparableConvolution2D.Builder(3, 3).nOut(4).build(), out(3)), img4(2, 7, 6)));
    m.put(LocallyConnected2D.class, dl4j(() -> mln(img(2, 6, 6),
        new LocallyConnected2D.Builder().kernelSize(3, 3).nOut(3).build(), out(3)), img4(2, 6, 6)));
    m.put(LocalResponseNormalization.class, nat("LRN kernel (odd window, k > 0; others through DL4J)", () -> mln(img(2, 6, 5), conv(4),
        new LocalResponseNormalization.Builder().build(), out(3)), img4(2, 6, 5)));
    m.put(GlobalPoolingLayer.class, nat("global pooling kernel (NCHW, collapsed; others through DL4J)", () -> mln(img(2, 6, 5), conv(4),
        new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), out(3)), img4(2, 6, 5)));
    m.put(ZeroPaddingLayer.class, nat("gather kernel, map read off DL4J's own layer", () -> mln(img(2, 5, 4), new ZeroPaddingLayer(1, 2), conv(3), out(3)),
        img4(2, 5, 4)));
    m.put(Cropping2D.class, nat("gather kernel, map read off DL4J's own layer", () -> mln(img(2, 7, 6), new Cropping2D(1, 2), conv(3), out(3)), img4(2, 7, 6)));
    m.put(Upsampling2D.class, nat("gather kernel, map read off DL4J's own layer", () -> mln(img(2, 4, 3), new Upsampling2D.Builder(2).build(), conv(3), out(3)),
        img4(2, 4, 3)));
    m.put(SpaceToDepthLayer.class, nat("gather kernel, map read off DL4J's own layer", () -> mln(img(2, 6, 4), new SpaceToDepthLayer.Builder(2).build(), out(3)),
        img4(2, 6, 4)));
    m.put(SpaceToBatchLayer.class, refused("moves image blocks into the batch dimension, which the MC pass uses for"
        + " iterations", () -> mln(img(2, 6, 4), new SpaceToBatchLayer.Builder(new int[] {2, 2}).build(), out(3)),
        img4(2, 6, 4)));
    m.put(CnnLossLayer.class, dl4j(() -> mln(img(2, 5, 4), conv(3),
        new CnnLossLayer.Builder().activation(Activation.SOFTMAX).build()), img4(2, 5, 4)));
    m.put(Yolo2OutputLayer.class, dl4j(() -> mln(img(2, 6, 6),
        new ConvolutionLayer.Builder(1, 1).nOut(2 * (5 + 3)).activation(Activation.IDENTITY).build(),
        new Yolo2OutputLayer.Builder().boundingBoxPriors(Nd4j.create(new double[][] {{1, 1}, {2, 1}})).build()),
        img4(2, 6, 6)));
    m.put(PrimaryCapsules.class, dl4j(ConformanceTable::capsules, img4(1, 12, 12)));
    m.put(CapsuleLayer.class, dl4j(ConformanceTable::capsules, img4(1, 12, 12)));
    m.put(CapsuleStrengthLayer.class, dl4j(ConformanceTable::capsules, img4(1, 12, 12)));
    // ------------------------------------------------------------ volumes
    m.put(Convolution3D.class, dl4j(() -> mln(vol(), conv3(), gpool(), out(3)), vol5()));
    m.put(Deconvolution3D.class, dl4j(() -> mln(vol(), new Deconvolution3D.Builder().kernelSize(2, 2, 2)
        .stride(1, 1, 1).nOut(2).build(), gpool(), out(3)), vol5()));
    m.put(Subsampling3DLayer.class, dl4j(() -> mln(vol(), conv3(), new Subsampling3DLayer.Builder(2, 2, 2)
        .poolingType(Subsampling3DLayer.PoolingType.MAX).build(), gpool(), out(3)), vol5()));
    m.put(Upsampling3D.class, dl4j(() -> mln(vol(), new Upsampling3D.Builder(2).build(), conv3(), gpool(), out(3)), vol5()));
    m.put(ZeroPadding3DLayer.class, dl4j(() -> mln(vol(), new ZeroPadding3DLayer.Builder(1, 1, 1).build(), conv3(),
        gpool(), out(3)), vol5()));
    m.put(Cropping3D.class, dl4j(() -> mln(vol(), new Cropping3D.Builder(0, 1, 0).build(), conv3(), gpool(), out(3)), vol5()));
    m.put(Cnn3DLossLayer.class, dl4j(() -> mln(vol(), conv3(), new Cnn3DLossLayer.Builder(Convolution3D.DataFormat.NCDHW)
        .activation(Activation.SIGMOID).build()), vol5()));
    // ------------------------------------------------------------ sequences
    m.put(LSTM.class, dl4j(() -> mln(seq(), new LSTM.Builder().nOut(4).build(), rnnOut(4, 3)), seq3()));
    m.put(GravesLSTM.class, dl4j(() -> mln(seq(), new GravesLSTM.Builder().nOut(4).build(), rnnOut(4, 3)), seq3()));
    m.put(GravesBidirectionalLSTM.class, dl4j(() -> mln(seq(), new GravesBidirectionalLSTM.Builder().nOut(4).build(),
        rnnOut(4, 3)), seq3()));
    m.put(SimpleRnn.class, dl4j(() -> mln(seq(), new SimpleRnn.Builder().nOut(4).build(), rnnOut(4, 3)), seq3()));
    m.put(Bidirectional.class, dl4j(() -> mln(seq(), new Bidirectional(new LSTM.Builder().nOut(4).build()),
        rnnOut(8, 3)), seq3()));
    m.put(LastTimeStep.class, dl4j(() -> mln(seq(), new LastTimeStep(new LSTM.Builder().nOut(4).build()), out(3)),
        seq3()));
    m.put(TimeDistributed.class, dl4j(() -> mln(seq(), new TimeDistributed(dense(4)), rnnOut(4, 3)), seq3()));
    m.put(MaskZeroLayer.class, dl4j(() -> mln(seq(), new MaskZeroLayer(new LSTM.Builder().nOut(4).build(), 0.0),
        rnnOut(4, 3)), seq3()));
    m.put(MaskLayer.class, dl4j(() -> mln(seq(), new MaskLayer(), new LSTM.Builder().nOut(4).build(), rnnOut(4, 3)),
        seq3()));
    m.put(RnnOutputLayer.class, dl4j(() -> mln(seq(), rnnOut(4, 3)), seq3()));
    m.put(RnnLossLayer.class, dl4j(() -> mln(seq(), new LSTM.Builder().nOut(3).build(),
        new RnnLossLayer.Builder().activation(Activation.SOFTMAX).build()), seq3()));
    m.put(Convolution1DLayer.class, dl4j(() -> mln(seq(), new Convolution1DLayer.Builder(2).nOut(4).build(),
        rnnOut(4, 3)), seq3()));
    m.put(Convolution1D.class, dl4j(() -> alias(mln(seq(), new Convolution1DLayer.Builder(2).nOut(4).build(),
        rnnOut(4, 3)), Convolution1DLayer.class, Convolution1D.class), seq3()));
    m.put(Subsampling1DLayer.class, dl4j(() -> mln(seq(), new Subsampling1DLayer.Builder(PoolingType.MAX)
        .kernelSize(2).stride(1).build(), rnnOut(4, 3)), seq3()));
    m.put(Pooling1D.class, dl4j(() -> alias(mln(seq(), new Subsampling1DLayer.Builder(PoolingType.AVG).kernelSize(2)
        .stride(1).build(), rnnOut(4, 3)), Subsampling1DLayer.class, Pooling1D.class), seq3()));
    m.put(Upsampling1D.class, dl4j(() -> mln(seq(), new Upsampling1D.Builder(2).build(), rnnOut(4, 3)), seq3()));
    m.put(ZeroPadding1DLayer.class, dl4j(() -> mln(seq(), new ZeroPadding1DLayer(1, 2), rnnOut(4, 3)), seq3()));
    m.put(Cropping1D.class, dl4j(() -> mln(seq(), new Cropping1D(1, 1), rnnOut(4, 3)), seq3()));
    m.put(LocallyConnected1D.class, dl4j(() -> mln(seq(), new LocallyConnected1D.Builder().kernelSize(2).nOut(3)
        .build(), rnnOut(3, 3)), seq3()));
    m.put(SelfAttentionLayer.class, dl4j(() -> mln(seq(), new SelfAttentionLayer.Builder().nOut(4).nHeads(2)
        .projectInput(true).build(), rnnOut(4, 3)), seq3()));
    m.put(LearnedSelfAttentionLayer.class, refused("DL4J 1.0.0-M2.1's own layer fails at inference (its SameDiff"
        + " graph's scatter_update op); the compile-time probe refuses it as DL4J itself cannot run it", () -> mln(seq(), new LearnedSelfAttentionLayer.Builder().nIn(3).nOut(3)
        .nHeads(1).nQueries(2).projectInput(false).build(), rnnOut(3, 3)), seq3()));
    m.put(RecurrentAttentionLayer.class, dl4j(() -> mln(seq(), new RecurrentAttentionLayer.Builder().nIn(3).nOut(3)
        .nHeads(1).projectInput(true).build(), rnnOut(3, 3)), seq3()));
    // ------------------------------------------------------------ SameDiff bases (concrete subclasses here)
    m.put(SameDiffLambdaLayer.class, dl4j(() -> mln(InputType.feedForward(6), dense(5), new Square(), out(3)), ff(6)));
    m.put(SameDiffLambdaVertex.class, dl4j(() -> graph(InputType.feedForward(6), g -> g
        .addLayer("a", dense(5), "in").addLayer("b", dense(5), "in")
        .addVertex("v", new Product(), "a", "b").addLayer("out", out(3), "v")), ff(6)));
    // ------------------------------------------------------------ graph vertices
    m.put(LayerVertex.class, nat("its layer's kernel", () -> graph(InputType.feedForward(6), g -> g
        .addLayer("a", dense(5), "in").addLayer("out", out(3), "a")), ff(6)));
    m.put(MergeVertex.class, nat("merge kernel (flat or images)", () -> twoBranches(new MergeVertex(), 3), ff(6)));
    m.put(ElementWiseVertex.class, nat("element-wise kernel", () -> twoBranches(
        new ElementWiseVertex(ElementWiseVertex.Op.Product), 3), ff(6)));
    m.put(PreprocessorVertex.class, nat("as its preprocessor", () -> graph(img(2, 4, 3), g -> g
        .addLayer("c", conv(3), "in").addVertex("p", new PreprocessorVertex(new CnnToFeedForwardPreProcessor(4, 3, 3)), "c")
        .addLayer("out", out(3), "p")), img4(2, 4, 3)));
    m.put(SubsetVertex.class, dl4j(() -> graph(InputType.feedForward(6), g -> g.addLayer("a", dense(5), "in")
        .addVertex("s", new SubsetVertex(1, 3), "a").addLayer("out", out(3), "s")), ff(6)));
    m.put(ShiftVertex.class, dl4j(() -> oneBranch(new ShiftVertex(0.5)), ff(6)));
    m.put(ScaleVertex.class, dl4j(() -> oneBranch(new ScaleVertex(1.5)), ff(6)));
    m.put(L2NormalizeVertex.class, dl4j(() -> oneBranch(new L2NormalizeVertex()), ff(6)));
    m.put(ReshapeVertex.class, dl4j(() -> graph(InputType.feedForward(6), g -> g.addLayer("a", dense(12), "in")
        .addVertex("r", new ReshapeVertex(-1, 3, 2, 2), "a").addLayer("c", conv(2), "r")
        .addLayer("out", out(3), "c")), ff(6)));
    m.put(L2Vertex.class, dl4j(() -> graph(InputType.feedForward(6), g -> g.addLayer("a", dense(5), "in")
        .addLayer("b", dense(5), "in").addVertex("l2", new L2Vertex(), "a", "b")
        .addLayer("out", out(2), "l2")), ff(6)));
    m.put(PoolHelperVertex.class, dl4j(() -> graph(img(2, 5, 5), g -> g.addLayer("c", conv(3), "in")
        .addVertex("p", new PoolHelperVertex(), "c").addLayer("g", gpool(), "p").addLayer("out", out(3), "g")),
        img4(2, 5, 5)));
    m.put(FrozenVertex.class, dl4j(() -> new org.deeplearning4j.nn.transferlearning.TransferLearning.GraphBuilder(
        graph(InputType.feedForward(6), g -> g.addLayer("a", dense(5), "in").addVertex("s", new ScaleVertex(2), "a")
            .addLayer("b", dense(4), "s").addLayer("out", out(3), "b"))).setFeatureExtractor("b").build(), ff(6)));
    m.put(StackVertex.class, refused("stacks its inputs along the batch dimension, which the MC pass uses for"
        + " iterations", () -> graph(InputType.feedForward(6), g -> g.addLayer("a", dense(5), "in")
        .addLayer("b", dense(5), "in").addVertex("s", new StackVertex(), "a", "b")
        .addVertex("u", new UnstackVertex(0, 2), "s").addLayer("out", out(3), "u")), ff(6)));
    m.put(UnstackVertex.class, refused("splits the batch dimension, which the MC pass uses for iterations",
        () -> graph(InputType.feedForward(6), g -> g.addLayer("a", dense(5), "in")
            .addVertex("u", new UnstackVertex(0, 2), "a").addLayer("out", out(3), "u")), ff(6)));
    m.put(AttentionVertex.class, dl4j(() -> graph(seq(), g -> g.addVertex("att", new AttentionVertex.Builder()
        .nInKeys(3).nInQueries(3).nInValues(3).nOut(4).nHeads(1).projectInput(true).build(), "in", "in", "in")
        .addLayer("out", rnnOut(4, 3), "att")), seq3()));
    m.put(LastTimeStepVertex.class, dl4j(() -> graph(seq(), g -> g.addLayer("l", new LSTM.Builder().nOut(4).build(),
        "in").addVertex("last", new LastTimeStepVertex("in"), "l").addLayer("out", out(3), "last")), seq3()));
    m.put(ReverseTimeSeriesVertex.class, dl4j(() -> graph(seq(), g -> g.addVertex("rev",
        new ReverseTimeSeriesVertex(), "in").addLayer("out", rnnOut(3, 3), "rev")), seq3()));
    m.put(DuplicateToTimeSeriesVertex.class, refused("takes its length from a network input, which the MC pass"
        + " does not hand to DL4J's vertex", () -> graph(seq(), g -> g.addLayer("l",
        new LastTimeStep(new LSTM.Builder().nOut(4).build()), "in")
        .addVertex("dup", new DuplicateToTimeSeriesVertex("in"), "l").addLayer("out", rnnOut(4, 3), "dup")), seq3()));
    // ------------------------------------------------------------ preprocessors
    m.put(CnnToFeedForwardPreProcessor.class, nat("a reshape (or a layout change)",
        () -> mln(img(2, 4, 3), conv(3), out(3)), img4(2, 4, 3)));
    m.put(FeedForwardToCnnPreProcessor.class, nat("a reshape", () -> mln(InputType.convolutionalFlat(4, 3, 2), conv(3),
        out(3)), ff(24)));
    m.put(RnnToFeedForwardPreProcessor.class, refused("turns each time step into a row of the batch, which the MC"
        + " pass uses for iterations", () -> mln(seq(), new LSTM.Builder().nOut(4).build(), dense(4), rnnOut(4, 3)),
        seq3()));
    m.put(FeedForwardToRnnPreProcessor.class, dl4j(() -> withPre(mln(InputType.feedForward(6), dense(4), rnnOut(4, 3)), 1,
        new FeedForwardToRnnPreProcessor()), ff(6)));
    m.put(CnnToRnnPreProcessor.class, dl4j(() -> withPre(mln(img(2, 4, 3), conv(2),
        new LSTM.Builder().nIn(2 * 4 * 3).nOut(4).build(), rnnOut(4, 3)), 1, new CnnToRnnPreProcessor(4, 3, 2)),
        img4(2, 4, 3)));
    m.put(RnnToCnnPreProcessor.class, refused("turns each time step into a row of the batch, which the MC pass"
        + " uses for iterations", () -> graph(null, g -> g.addLayer("l", new LSTM.Builder().nIn(3).nOut(6).build(), "in")
        .addVertex("p", new PreprocessorVertex(new RnnToCnnPreProcessor(3, 1, 2)), "l")
        .addLayer("c", new ConvolutionLayer.Builder(1, 1).nIn(2).nOut(2).build(), "p")
        .addLayer("g", gpool(), "c").addLayer("out", new OutputLayer.Builder().nIn(2).nOut(3).build(), "g")), seq3()));
    m.put(Cnn3DToFeedForwardPreProcessor.class, dl4j(() -> withPre(mln(vol(), conv3(), out(3)), 1,
        new Cnn3DToFeedForwardPreProcessor(2, 3, 3, 2, true)), vol5()));
    m.put(FeedForwardToCnn3DPreProcessor.class, dl4j(() -> withPre(mln(null, new Convolution3D.Builder()
        .kernelSize(2, 2, 2).nIn(2).nOut(2).build(), gpool(), new OutputLayer.Builder().nIn(2).nOut(3).build()), 0,
        new FeedForwardToCnn3DPreProcessor(3, 4, 4, 2, true)), ff(2 * 3 * 4 * 4)));
    m.put(ComposableInputPreProcessor.class, dl4j(() -> withPre(mln(img(2, 4, 3), conv(2), out(3)), 1,
        new ComposableInputPreProcessor(new CnnToFeedForwardPreProcessor(4, 3, 2),
            new FeedForwardToCnnPreProcessor(4, 3, 2), new CnnToFeedForwardPreProcessor(4, 3, 2))), img4(2, 4, 3)));
    return m;
  }

  // ---------------------------------------------------------------- entries

  private static Case nat(String note, Supplier<Model> net, Supplier<INDArray> in) {
    return new Case(How.NATIVE, note, net, in);
  }

  private static Case dl4j(Supplier<Model> net, Supplier<INDArray> in) {
    return new Case(How.DL4J, "DL4J's own layer in inference mode", net, in);
  }

  private static Case refused(String why, Supplier<Model> net, Supplier<INDArray> in) {
    return new Case(How.REFUSED, why, net, in);
  }

  // ---------------------------------------------------------------- networks

  private static NeuralNetConfiguration.Builder base() {
    return new NeuralNetConfiguration.Builder().seed(SEED).dropOut(0.9)
        .weightInit(org.deeplearning4j.nn.weights.WeightInit.XAVIER);
  }

  static MultiLayerNetwork mln(InputType in, Layer... layers) {
    NeuralNetConfiguration.ListBuilder b = base().list();
    for (Layer l : layers) {
      b.layer(l);
    }
    if (in != null) {
      b.setInputType(in);
    }
    MultiLayerNetwork net = new MultiLayerNetwork(b.build());
    net.init();
    return net;
  }

  /**
   * {@code net} with its one layer of class {@code built} turned into DL4J's class {@code alias}
   * through its JSON configuration. DL4J 1.0.0-M2.1's {@code Convolution2D}, {@code Pooling2D},
   * {@code Convolution1D} and {@code Pooling1D} have no builders of their own: {@code new
   * Convolution2D.Builder(...)} is ConvolutionLayer's inherited builder and builds a
   * ConvolutionLayer. A network holds the alias class only when its configuration is read from
   * JSON that names it (a saved or imported model), so that is how the case is built.
   */
  private static MultiLayerNetwork alias(MultiLayerNetwork net, Class<?> built, Class<?> alias) {
    String json = net.getLayerWiseConfigurations().toJson();
    String from = "\"" + built.getName() + "\"";
    int at = json.indexOf(from);
    if (at < 0 || json.indexOf(from, at + 1) >= 0) {
      throw new IllegalStateException("the case network should hold exactly one " + built.getSimpleName() + ": " + json);
    }
    MultiLayerNetwork n = new MultiLayerNetwork(org.deeplearning4j.nn.conf.MultiLayerConfiguration.fromJson(
        json.replace(from, "\"" + alias.getName() + "\"")));
    n.init();
    return n;
  }

  private static MultiLayerNetwork withPre(MultiLayerNetwork net, int layer, InputPreProcessor p) {
    org.deeplearning4j.nn.conf.MultiLayerConfiguration c = net.getLayerWiseConfigurations().clone();
    c.getInputPreProcessors().put(layer, p);
    MultiLayerNetwork n = new MultiLayerNetwork(c);
    n.init();
    return n;
  }

  static ComputationGraph graph(InputType in, Consumer<ComputationGraphConfiguration.GraphBuilder> body) {
    ComputationGraphConfiguration.GraphBuilder g = base().graphBuilder().addInputs("in");
    body.accept(g);
    g.setOutputs("out");
    if (in != null) {
      g.setInputTypes(in);
    }
    ComputationGraph net = new ComputationGraph(g.build());
    net.init();
    return net;
  }

  private static ComputationGraph twoBranches(GraphVertex v, int nOut) {
    return graph(InputType.feedForward(6), g -> g.addLayer("a", dense(5), "in").addLayer("b", dense(5), "in")
        .addVertex("v", v, "a", "b").addLayer("out", out(nOut), "v"));
  }

  private static ComputationGraph oneBranch(GraphVertex v) {
    return graph(InputType.feedForward(6), g -> g.addLayer("a", dense(5), "in").addVertex("v", v, "a")
        .addLayer("out", out(3), "v"));
  }

  private static MultiLayerNetwork capsules() {
    return mln(img(1, 12, 12), new ConvolutionLayer.Builder(3, 3).nOut(4).build(),
        new PrimaryCapsules.Builder(4, 2).kernelSize(3, 3).stride(2, 2).build(),
        new CapsuleLayer.Builder(3, 4, 2).build(), new CapsuleStrengthLayer.Builder().build(),
        new ActivationLayer(Activation.SOFTMAX), new LossLayer.Builder().activation(Activation.IDENTITY).build());
  }

  private static GlobalPoolingLayer gpool() {
    return new GlobalPoolingLayer.Builder(PoolingType.AVG).build();
  }

  static DenseLayer dense(int n) {
    return new DenseLayer.Builder().nOut(n).activation(Activation.TANH).build();
  }

  static OutputLayer out(int n) {
    return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(n).activation(Activation.SOFTMAX).build();
  }

  private static RnnOutputLayer rnnOut(int nIn, int n) {
    return new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(nIn).nOut(n)
        .activation(Activation.SOFTMAX).build();
  }

  static ConvolutionLayer conv(int n) {
    return new ConvolutionLayer.Builder(2, 2).nOut(n).convolutionMode(ConvolutionMode.Same)
        .activation(Activation.RELU).build();
  }

  private static Convolution3D conv3() {
    return new Convolution3D.Builder().kernelSize(2, 2, 2).nOut(2).activation(Activation.TANH).build();
  }

  static InputType img(int c, int h, int w) {
    return InputType.convolutional(h, w, c);
  }

  private static InputType vol() {
    return InputType.convolutional3D(3, 4, 4, 2);
  }

  private static InputType seq() {
    return InputType.recurrent(3, 5);
  }

  static Supplier<INDArray> ff(int n) {
    return () -> Networks.input(SEED + n, -1, 1, 3, n);
  }

  static Supplier<INDArray> img4(int c, int h, int w) {
    return () -> Networks.input(SEED + c * h * w, -1, 1, 2, c, h, w);
  }

  private static Supplier<INDArray> vol5() {
    return () -> Networks.input(SEED + 5, -1, 1, 2, 2, 3, 4, 4);
  }

  private static Supplier<INDArray> seq3() {
    return () -> Networks.input(SEED + 3, -1, 1, 2, 3, 5);
  }

  // ---------------------------------------------------------------- SameDiff subclasses

  /** A concrete {@link SameDiffLambdaLayer}: the element-wise square. */
  public static final class Square extends SameDiffLambdaLayer {
    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x) {
      return x.mul(x);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
      return inputType;
    }
  }

  /** A concrete {@link SameDiffLambdaVertex}: the element-wise product of two inputs. */
  public static final class Product extends SameDiffLambdaVertex {
    @Override
    public SDVariable defineVertex(SameDiff sd, VertexInputs in) {
      return in.getInput(0).mul(in.getInput(1));
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
      return vertexInputs[0];
    }
  }
}
