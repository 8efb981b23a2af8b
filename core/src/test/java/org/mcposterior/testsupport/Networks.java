package org.mcposterior.testsupport;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.mcposterior.models.ReferenceNetworks;
import org.mcposterior.stochastic.McDropoutLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Seeded DL4J networks and inputs shared by the tests of core and jobs (jobs reads them from
 * core's test-jar). Every network's DL4J seed is {@link ReferenceNetworks#dl4jSeed} of the given
 * seed: derived, never 0, which nd4j treats as unseeded.
 */
public final class Networks {
  private Networks() {}

  /**
   * The reference MLP built with {@link McDropoutLayer}s (drop probability 0.5, mask seed {@code
   * seed}): DL4J's own inference of it is stochastic. The plain reference MLP, the DropConnect
   * reference CNN and the benchmark networks are {@link ReferenceNetworks}'.
   */
  public static MultiLayerNetwork referenceMcMlp(long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(ReferenceNetworks.dl4jSeed(seed)).weightInit(WeightInit.XAVIER).dataType(DataType.FLOAT)
        .list()
        .layer(new DenseLayer.Builder().nIn(10).nOut(8).activation(Activation.RELU).build())
        .layer(new McDropoutLayer(0.5, seed))
        .layer(new DenseLayer.Builder().nIn(8).nOut(4).activation(Activation.RELU).build())
        .layer(new McDropoutLayer(0.5, seed))
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2).activation(Activation.IDENTITY).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** Dense 12->16, batch-norm, ReLU, dropout p, Dense 16->3 softmax, with batch-norm statistics set away from the defaults. */
  public static MultiLayerNetwork batchNormMlp(long seed, double dropP) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(ReferenceNetworks.dl4jSeed(seed)).weightInit(WeightInit.XAVIER).dataType(DataType.FLOAT)
        .list()
        .layer(new DenseLayer.Builder().nIn(12).nOut(16).activation(Activation.IDENTITY).build())
        .layer(new BatchNormalization.Builder().nOut(16).build())
        .layer(new org.deeplearning4j.nn.conf.layers.ActivationLayer(Activation.RELU))
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(3).activation(Activation.SOFTMAX)
            .dropOut(1 - dropP).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    randomiseBatchNorm(net, 1, seed);
    return net;
  }

  /** Sets a batch-norm layer's global mean, variance (or log-std), gamma and beta to seeded values. */
  public static void randomiseBatchNorm(MultiLayerNetwork net, int layer, long seed) {
    org.deeplearning4j.nn.api.Layer l = net.getLayer(layer);
    Nd4j.getRandom().setSeed(seed);
    for (String key : l.paramTable().keySet()) {
      INDArray p = l.getParam(key);
      switch (key) {
        case "mean", "beta" -> p.assign(Nd4j.rand(p.dataType(), p.shape()).subi(0.5));
        case "gamma" -> p.assign(Nd4j.rand(p.dataType(), p.shape()).addi(0.5));
        case "var" -> p.assign(Nd4j.rand(p.dataType(), p.shape()).addi(0.2));
        case "log10stdev" -> p.assign(Nd4j.rand(p.dataType(), p.shape()).subi(0.5).muli(0.5));
        default -> { }
      }
    }
  }

  /** A small CNN exercising convolution options: padding, stride, dilation, Same mode, data format. */
  public static MultiLayerNetwork convVariants(long seed, CNN2DFormat format, ConvolutionMode mode, int[] pad,
      int[] stride, int[] dilation, SubsamplingLayer.PoolingType pooling, boolean includePadInDivisor) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(ReferenceNetworks.dl4jSeed(seed)).weightInit(WeightInit.XAVIER).dataType(DataType.FLOAT).convolutionMode(mode)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).nIn(2).nOut(5).padding(pad).stride(stride).dilation(dilation)
            .dataFormat(format).activation(Activation.TANH).build())
        .layer(new SubsamplingLayer.Builder(pooling).kernelSize(3, 3).stride(2, 2).padding(1, 1)
            .dataFormat(format).avgPoolIncludePadInDivisor(includePadInDivisor).build())
        .layer(new ConvolutionLayer.Builder(2, 2).nOut(4).dataFormat(format).activation(Activation.LEAKYRELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(11, 9, 2, format))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /**
   * A ComputationGraph with branches: conv -> (1x1 conv | batch-norm) -> merge -> max-pool ->
   * (dense with dropout p | dense) -> element-wise add -> softmax output; input 1x12x12 images.
   */
  public static org.deeplearning4j.nn.graph.ComputationGraph branchyGraph(long seed, double p) {
    var conf = new NeuralNetConfiguration.Builder()
        .seed(ReferenceNetworks.dl4jSeed(seed)).weightInit(WeightInit.XAVIER).dataType(DataType.FLOAT)
        .graphBuilder()
        .addInputs("in")
        .setInputTypes(InputType.convolutional(12, 12, 1))
        .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(6).activation(Activation.RELU).build(), "in")
        .addLayer("a", new ConvolutionLayer.Builder(1, 1).nOut(4).activation(Activation.TANH).build(), "c1")
        .addLayer("b", new BatchNormalization.Builder().build(), "c1")
        .addVertex("m", new org.deeplearning4j.nn.conf.graph.MergeVertex(), "a", "b")
        .addLayer("pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "m")
        .addLayer("d1", new DenseLayer.Builder().nOut(16).activation(Activation.RELU).dropOut(1 - p).build(), "pool")
        .addLayer("d2", new DenseLayer.Builder().nOut(16).activation(Activation.SIGMOID).build(), "pool")
        .addVertex("add", new org.deeplearning4j.nn.conf.graph.ElementWiseVertex(
            org.deeplearning4j.nn.conf.graph.ElementWiseVertex.Op.Add), "d1", "d2")
        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(5).activation(Activation.SOFTMAX)
            .dropOut(1 - p).build(), "add")
        .setOutputs("out")
        .build();
    var g = new org.deeplearning4j.nn.graph.ComputationGraph(conf);
    g.init();
    return g;
  }

  /**
   * Layers without a native kernel, run by DL4J: local response normalisation, zero padding,
   * upsampling, global average pooling; dropout p on the input of the upsampling layer.
   */
  public static MultiLayerNetwork fallbackLayers(long seed, double p) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(ReferenceNetworks.dl4jSeed(seed)).weightInit(WeightInit.XAVIER).dataType(DataType.FLOAT)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).nIn(2).nOut(4).activation(Activation.RELU).build())
        .layer(new org.deeplearning4j.nn.conf.layers.LocalResponseNormalization.Builder().build())
        .layer(new org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer.Builder(1, 1).build())
        .layer(new org.deeplearning4j.nn.conf.layers.Upsampling2D.Builder(2).dropOut(1 - p).build())
        .layer(new org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer.Builder(
            org.deeplearning4j.nn.conf.layers.PoolingType.AVG).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(8, 8, 2))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** A tabular pool's classifier: 12 -> 32 ReLU -> 16 ReLU, dropout 0.5 -> 4 softmax, dropout 0.5. */
  public static MultiLayerNetwork tabularMlp(long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(ReferenceNetworks.dl4jSeed(seed)).weightInit(WeightInit.XAVIER).dataType(DataType.FLOAT)
        .list()
        .layer(new DenseLayer.Builder().nIn(12).nOut(32).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().nIn(32).nOut(16).activation(Activation.RELU).dropOut(0.5).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(4).activation(Activation.SOFTMAX)
            .dropOut(0.5).build())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /**
   * A small image classifier for 1x8x8 images (channels first): conv 1->4 3x3 ReLU, max-pool 2x2,
   * dense 8 ReLU with dropout 0.3, 3 softmax.
   */
  public static MultiLayerNetwork smallCnn(long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(ReferenceNetworks.dl4jSeed(seed)).weightInit(WeightInit.XAVIER).dataType(DataType.FLOAT)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(4).activation(Activation.RELU).build())
        .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
        .layer(new DenseLayer.Builder().nOut(8).activation(Activation.RELU).dropOut(0.7).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.convolutional(8, 8, 1))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /**
   * The report's image classifier for 1x8x8 images: conv 1->4 3x3 ReLU -> dense 16 ReLU, dropout
   * 0.5 -> 3 softmax, dropout 0.5.
   */
  public static MultiLayerNetwork reportCnn(long seed) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(ReferenceNetworks.dl4jSeed(seed)).weightInit(WeightInit.XAVIER).dataType(DataType.FLOAT)
        .list()
        .layer(new ConvolutionLayer.Builder(3, 3).nIn(1).nOut(4).activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().nOut(16).activation(Activation.RELU).dropOut(0.5).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX)
            .dropOut(0.5).build())
        .setInputType(InputType.convolutional(8, 8, 1))
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** 4 -> 8 ReLU -> 3 softmax with dropout 0.5 (DL4J's default weight init). */
  public static MultiLayerNetwork tinyMlp(long seed) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .seed(ReferenceNetworks.dl4jSeed(seed)).dataType(DataType.FLOAT)
        .list()
        .layer(new DenseLayer.Builder().nIn(4).nOut(8).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3).activation(Activation.SOFTMAX)
            .dropOut(0.5).build())
        .build());
    net.init();
    return net;
  }

  /** 12 -> 8 ReLU -> 3 softmax without any dropout: nothing in it is stochastic (DL4J's defaults otherwise). */
  public static MultiLayerNetwork deterministicMlp(long seed) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .seed(ReferenceNetworks.dl4jSeed(seed))
        .list()
        .layer(new DenseLayer.Builder().nIn(12).nOut(8).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3).activation(Activation.SOFTMAX)
            .build())
        .build());
    net.init();
    return net;
  }

  /**
   * A ComputationGraph over 12 features: (dense 16 ReLU | dense 8 tanh) -> merge -> 3 softmax with
   * dropout 0.5.
   */
  public static org.deeplearning4j.nn.graph.ComputationGraph mergeGraph(long seed) {
    var conf = new NeuralNetConfiguration.Builder()
        .seed(ReferenceNetworks.dl4jSeed(seed)).weightInit(WeightInit.XAVIER).dataType(DataType.FLOAT)
        .graphBuilder()
        .addInputs("in")
        .addLayer("a", new DenseLayer.Builder().nIn(12).nOut(16).activation(Activation.RELU).build(), "in")
        .addLayer("b", new DenseLayer.Builder().nIn(12).nOut(8).activation(Activation.TANH).build(), "in")
        .addVertex("m", new org.deeplearning4j.nn.conf.graph.MergeVertex(), "a", "b")
        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(24).nOut(3)
            .activation(Activation.SOFTMAX).dropOut(0.5).build(), "m")
        .setOutputs("out")
        .build();
    var g = new org.deeplearning4j.nn.graph.ComputationGraph(conf);
    g.init();
    return g;
  }

  /** Seeded uniform input in [lo, hi) of the given shape (float). */
  public static INDArray input(long seed, double lo, double hi, long... shape) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.rand(DataType.FLOAT, shape).muli(hi - lo).addi(lo);
  }

  // ------------------------------------------------------------------ one network per output kind

  private static NeuralNetConfiguration.ListBuilder kindList(long seed) {
    return new NeuralNetConfiguration.Builder().seed(ReferenceNetworks.dl4jSeed(seed)).weightInit(WeightInit.XAVIER)
        .dataType(DataType.FLOAT).list();
  }

  /**
   * A tiny segmentation network: 4 x 4 one-channel images, a 3 x 3 "same" ReLU convolution to 4
   * maps, a 1 x 1 convolution to {@code channels} maps with dropout 0.5, then a CnnLossLayer with
   * activation {@code a} and {@code loss} (sigmoid + XENT: a per-pixel sigmoid; softmax + MCXENT:
   * a distribution over the channels per pixel).
   */
  public static MultiLayerNetwork segmentation(long seed, int channels, Activation a,
      LossFunctions.LossFunction loss) {
    MultiLayerNetwork net = new MultiLayerNetwork(kindList(seed)
        .layer(new ConvolutionLayer.Builder(3, 3).convolutionMode(ConvolutionMode.Same).nOut(4)
            .activation(Activation.RELU).build())
        .layer(new ConvolutionLayer.Builder(1, 1).nOut(channels).activation(Activation.IDENTITY).dropOut(0.5).build())
        .layer(new org.deeplearning4j.nn.conf.layers.CnnLossLayer.Builder(loss).activation(a).build())
        .setInputType(InputType.convolutional(4, 4, 1)).build());
    net.init();
    return net;
  }

  /** 6 -> 8 ReLU -> {@code outputs} with activation {@code a}, loss {@code loss} and dropout 0.5 on its input. */
  public static MultiLayerNetwork denseOutput(long seed, int outputs, Activation a, LossFunctions.LossFunction loss) {
    MultiLayerNetwork net = new MultiLayerNetwork(kindList(seed)
        .layer(new DenseLayer.Builder().nIn(6).nOut(8).activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(loss).nIn(8).nOut(outputs).activation(a).dropOut(0.5).build()).build());
    net.init();
    return net;
  }

  /**
   * A tiny detector: 2 x 2 two-channel inputs, a 1 x 1 convolution (dropout 0.5) to 2 anchor boxes
   * x (5 + 3 classes) = 16 channels, a Yolo2OutputLayer with priors {@code [[1, 1], [2, 2]]}.
   */
  public static MultiLayerNetwork tinyYolo(long seed) {
    MultiLayerNetwork net = new MultiLayerNetwork(kindList(seed)
        .layer(new ConvolutionLayer.Builder(1, 1).nOut(16).activation(Activation.IDENTITY).dropOut(0.5).build())
        .layer(new org.deeplearning4j.nn.conf.layers.objdetect.Yolo2OutputLayer.Builder()
            .boundingBoxPriors(Nd4j.create(new double[][] {{1, 1}, {2, 2}})).build())
        .setInputType(InputType.convolutional(2, 2, 2)).build());
    net.init();
    return net;
  }

  /**
   * An embedding network with three dropout kinds, each at its own rate: EmbeddingLayer
   * ({@code vocabulary} indices to 8), dense 6 ReLU with GaussianDropout 0.1, dense 6 SELU with
   * AlphaDropout (retain 0.9), softmax output of 3 with Dropout (retain 0.5).
   */
  public static MultiLayerNetwork embeddingDropouts(long seed, int vocabulary) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .seed(ReferenceNetworks.dl4jSeed(seed)).list()
        .layer(new org.deeplearning4j.nn.conf.layers.EmbeddingLayer.Builder().nIn(vocabulary).nOut(8)
            .activation(Activation.IDENTITY).build())
        .layer(new DenseLayer.Builder().nIn(8).nOut(6).activation(Activation.RELU)
            .dropOut(new org.deeplearning4j.nn.conf.dropout.GaussianDropout(0.1)).build())
        .layer(new DenseLayer.Builder().nIn(6).nOut(6).activation(Activation.SELU)
            .dropOut(new org.deeplearning4j.nn.conf.dropout.AlphaDropout(0.9)).build())
        .layer(new OutputLayer.Builder().nIn(6).nOut(3).activation(Activation.SOFTMAX).dropOut(0.5).build())
        .build());
    net.init();
    return net;
  }

  /**
   * A recurrent network in format {@code f} with dropout (retain 0.9) on every layer: LSTM 3 -> 6,
   * LastTimeStep(LSTM 6 -> 5), softmax output of 4; sequences of 7 steps.
   */
  public static MultiLayerNetwork lstm(long seed, org.deeplearning4j.nn.conf.RNNFormat f) {
    MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .seed(ReferenceNetworks.dl4jSeed(seed)).dropOut(0.9).list()
        .layer(new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nIn(3).nOut(6).activation(Activation.TANH)
            .dataFormat(f).build())
        .layer(new org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep(
            new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nIn(6).nOut(5).activation(Activation.TANH)
                .dataFormat(f).build()))
        .layer(new OutputLayer.Builder().nIn(5).nOut(4).activation(Activation.SOFTMAX).build())
        .setInputType(InputType.recurrent(3, 7, f))
        .build());
    n.init();
    return n;
  }

  /**
   * A per-time-step recurrent network (NCW) with dropout (retain 0.9) on every layer: LSTM 3 -> 5,
   * RnnOutputLayer softmax of 4 classes at every step; sequences of 7 steps.
   */
  public static MultiLayerNetwork lstmPerStep(long seed) {
    org.deeplearning4j.nn.conf.RNNFormat f = org.deeplearning4j.nn.conf.RNNFormat.NCW;
    MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .seed(ReferenceNetworks.dl4jSeed(seed)).dropOut(0.9).list()
        .layer(new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nIn(3).nOut(5).activation(Activation.TANH)
            .dataFormat(f).build())
        .layer(new org.deeplearning4j.nn.conf.layers.RnnOutputLayer.Builder().nIn(5).nOut(4)
            .activation(Activation.SOFTMAX).dataFormat(f).build())
        .setInputType(InputType.recurrent(3, 7, f))
        .build());
    n.init();
    return n;
  }

  /**
   * {@link #lstm}'s layers (NCW) as a ComputationGraph: LSTM 3 -> 6, LastTimeStep(LSTM 6 -> 5),
   * softmax output of 4, dropout (retain 0.9); sequences of 7 steps.
   */
  public static org.deeplearning4j.nn.graph.ComputationGraph lstmGraph(long seed) {
    org.deeplearning4j.nn.conf.RNNFormat f = org.deeplearning4j.nn.conf.RNNFormat.NCW;
    org.deeplearning4j.nn.graph.ComputationGraph g = new org.deeplearning4j.nn.graph.ComputationGraph(
        new NeuralNetConfiguration.Builder().seed(ReferenceNetworks.dl4jSeed(seed)).dropOut(0.9).graphBuilder()
            .addInputs("in")
            .addLayer("lstm", new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nIn(3).nOut(6)
                .activation(Activation.TANH).dataFormat(f).build(), "in")
            .addLayer("last", new org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep(
                new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nIn(6).nOut(5).activation(Activation.TANH)
                    .dataFormat(f).build()), "lstm")
            .addLayer("out", new OutputLayer.Builder().nIn(5).nOut(4).activation(Activation.SOFTMAX).build(), "last")
            .setOutputs("out")
            .setInputTypes(InputType.recurrent(3, 7, f))
            .build());
    g.init();
    return g;
  }
}
