#!/usr/bin/python3
"""Make the ONNX test fixtures of mcposterior's ONNX import (issue 19).

What it makes: for every fixture NAME, core/src/test/resources/onnx/NAME.onnx (a tiny PyTorch
model exported with torch.onnx.export) and NAME.json (its reference data: opset, op types of the
exported graph, three fixed input examples, PyTorch's eval-mode output for each, and, for the
Monte-Carlo fixtures, the exact posterior predictive moments by mask enumeration in float64 and
baal-style Monte-Carlo statistics from 10000 torch forward passes). The fixtures cover one op
family each (Gemm, MatMul+Add, Conv variants, ConvTranspose, BatchNormalization, the activations,
pooling, Flatten/Reshape, Add/Mul/Sub/Concat, Identity, an unsupported op) plus the reference's
MC-dropout MLP, its DropConnect DummyModel and a training-mode export with BatchNormalization.

How to run it, from the repository root, with Debian's Python (python3-torch, python3-onnx,
python3-numpy; CPU only):

    /usr/bin/python3 core/src/test/python/make_onnx_fixtures.py

It rewrites every fixture; the output is deterministic (a fixed seed per fixture, fixed inputs,
one torch thread), so a second run gives byte-identical files.

CI does NOT run this script: the fixtures are committed, and the Java tests read only the
committed .onnx and .json files, so the build needs no Python.
"""

import copy
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper

OUT_DIR = os.path.join("core", "src", "test", "resources", "onnx")
N_EXAMPLES = 3
MC_ITERATIONS = 10000
QUANTILES = ["0.05", "0.25", "0.5", "0.75", "0.95"]

torch.set_num_threads(1)

MADE = []  # (name, opset, ops, size) for the summary


# ---------------------------------------------------------------------------------------------
# common machinery


def flat(t):
    """Per-example row-major flattening of a float32 tensor into lists of Python floats."""
    a = t.detach().to(torch.float32).cpu().numpy()
    return [[float(v) for v in row.reshape(-1)] for row in a]


def check_not_degenerate(name, model, x):
    """Every leaf module's output (eval mode) must be neither all zeros nor constant."""
    problems = []

    def hook(mod, inp, out):
        if isinstance(out, torch.Tensor) and out.numel() > 1:
            if float(out.abs().max()) == 0.0 or float(out.std()) == 0.0:
                problems.append(type(mod).__name__)

    handles = [m.register_forward_hook(hook) for m in model.modules() if len(list(m.children())) == 0]
    with torch.no_grad():
        model(x)
    for h in handles:
        h.remove()
    if problems:
        raise SystemExit("fixture %s: degenerate output of %s" % (name, problems))


def graph_ops(path):
    model = onnx.load(path)
    return sorted({n.op_type for n in model.graph.node}), model


def export(name, model, x, opset, training=False, dynamic=True):
    path = os.path.join(OUT_DIR, name + ".onnx")
    kwargs = {}
    if dynamic:
        kwargs["dynamic_axes"] = {"input": {0: "batch"}, "output": {0: "batch"}}
    if training:
        kwargs["training"] = torch.onnx.TrainingMode.TRAINING
        kwargs["do_constant_folding"] = False
    else:
        kwargs["do_constant_folding"] = True
    torch.onnx.export(model, x, path, opset_version=opset, input_names=["input"],
                      output_names=["output"], **kwargs)
    onnx.checker.check_model(path)
    return path


def write_json(name, data):
    with open(os.path.join(OUT_DIR, name + ".json"), "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")


def fixture(name, build, input_shape, description, opset=13, seed=0, training=False, extra=None, dynamic=True):
    """Seed, build the model, draw 3 inputs, take the eval output, export, write NAME.onnx/.json.

    build() returns the model (built after the seed, so its default init is fixed). With
    training=True the export keeps Dropout nodes (TrainingMode.TRAINING); "outputs" is then taken
    from a deep copy in eval mode before the export. extra(model, x, path, onnx_model) may return
    more JSON keys.
    """
    torch.manual_seed(seed)
    model = build()
    model.eval()
    x = torch.randn(N_EXAMPLES, *input_shape)
    check_not_degenerate(name, model, x)
    reference = copy.deepcopy(model).eval()
    with torch.no_grad():
        y = reference(x)
    path = export(name, model, x, opset, training=training, dynamic=dynamic)
    ops, onnx_model = graph_ops(path)
    data = {
        "name": name,
        "opset": opset,
        "ops": ops,
        "input_shape": list(input_shape),
        "inputs": flat(x),
        "outputs": flat(y),
        "output_shape": list(y.shape[1:]),
        "description": description,
    }
    if extra is not None:
        data.update(extra(reference, x, path, onnx_model))
    write_json(name, data)
    size = os.path.getsize(path)
    MADE.append((name, opset, ops, size))
    return reference, x, onnx_model


def randomize_bn(bn):
    """Non-trivial running statistics and affine parameters (drawn from the current seed)."""
    c = bn.num_features
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(c) * 0.5)
        bn.running_var.copy_(torch.rand(c) * 1.5 + 0.5)
        bn.weight.copy_(torch.randn(c) * 0.5 + 1.0)
        bn.bias.copy_(torch.randn(c) * 0.5)
    return bn


# ---------------------------------------------------------------------------------------------
# op-coverage fixtures


class MatMulAdd(nn.Module):
    def __init__(self):
        super().__init__()
        self.W = nn.Parameter(torch.randn(6, 5) * 0.5)
        self.b = nn.Parameter(torch.randn(5) * 0.5)

    def forward(self, x):
        return torch.matmul(x, self.W) + self.b


class LinearThen(nn.Module):
    """Linear(in, out) (weights and bias scaled by `scale`, no extra op) then fn."""

    def __init__(self, fn, scale=1.0, n_in=6, n_out=5):
        super().__init__()
        self.linear = nn.Linear(n_in, n_out)
        with torch.no_grad():
            self.linear.weight.mul_(scale)
            self.linear.bias.mul_(scale)
        self.fn = fn

    def forward(self, x):
        return self.fn(self.linear(x))


class Clamp(nn.Module):
    def forward(self, x):
        return torch.clamp(x, -0.5, 0.7)


class Sin(nn.Module):
    def forward(self, x):
        return torch.sin(x)


class ScalarConstant(nn.Module):
    def forward(self, x):
        return x * 2.5 + 1.0


class ChannelAffine(nn.Module):
    """Input normalisation (x - mean) / std per channel, a conv, then a per-channel scale and shift."""

    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.rand(1, 3, 1, 1))
        self.register_buffer("std", torch.rand(1, 3, 1, 1) + 0.5)
        self.conv = nn.Conv2d(3, 4, 3)
        self.register_buffer("scale", torch.randn(4, 1, 1))
        self.register_buffer("shift", torch.randn(4, 1, 1))

    def forward(self, x):
        x = (x - self.mean) / self.std
        return self.conv(x) * self.scale + self.shift


class FeatureAffine(nn.Module):
    """Linear(6,5), then 2 - y * w per feature."""

    def __init__(self):
        super().__init__()
        self.linear = nn.Linear(6, 5)
        self.register_buffer("w", torch.randn(5))

    def forward(self, x):
        return 2.0 - self.linear(x) * self.w


class ChannelsLastNet(nn.Module):
    """A Keras-style network: NHWC input, transposes around the convolution, an NHWC flatten."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.pool = nn.MaxPool2d(2)
        self.linear = nn.Linear(2 * 2 * 4, 3)

    def forward(self, x):
        x = x.permute(0, 3, 1, 2)
        x = self.conv(x).permute(0, 2, 3, 1)
        x = torch.relu(x)
        x = self.pool(x.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
        return self.linear(x.reshape(x.shape[0], -1))


class ReshapeView(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 2, 3)
        self.relu = nn.ReLU()
        self.linear = nn.Linear(2 * 4 * 4, 3)

    def forward(self, x):
        x = self.relu(self.conv(x))
        x = x.view(x.size(0), -1)
        return self.linear(x)


class GlobalAvg(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.linear = nn.Linear(4, 3)

    def forward(self, x):
        return self.linear(torch.flatten(self.pool(self.conv(x)), 1))


class GlobalMax(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.pool = nn.AdaptiveMaxPool2d(1)
        self.linear = nn.Linear(4, 3)

    def forward(self, x):
        return self.linear(self.pool(self.conv(x)).reshape(x.shape[0], -1))


class Residual(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(6, 6)
        self.out = nn.Linear(6, 3)

    def forward(self, x):
        y = F.relu(self.a(x))
        return self.out(x + y)


class MulSub(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(6, 4)
        self.b = nn.Linear(6, 4)

    def forward(self, x):
        a = self.a(x)
        b = self.b(x)
        return a * b - a


class ConcatNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.left = nn.Conv2d(3, 2, 3, padding=1)
        self.right = nn.Conv2d(3, 2, 3, padding=1)
        self.merge = nn.Conv2d(4, 2, 1)

    def forward(self, x):
        return self.merge(torch.cat([self.left(x), self.right(x)], dim=1))


def conv_bn2d():
    return nn.Sequential(nn.Conv2d(3, 4, 3), randomize_bn(nn.BatchNorm2d(4, eps=1e-3)))


def conv_relu_bn2d():
    return nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), randomize_bn(nn.BatchNorm2d(4, eps=1e-3)))


def linear_bn1d():
    return nn.Sequential(nn.Linear(6, 5), randomize_bn(nn.BatchNorm1d(5)))


# (name, module, weight scale, region check on the pre-activation, description)
ACTIVATIONS = [
    ("relu", nn.ReLU(), 1.0, (0.0,), "Linear(6,5) then ReLU."),
    ("leaky_relu", nn.LeakyReLU(negative_slope=0.1), 1.0, (0.0,),
     "Linear(6,5) then LeakyReLU(negative_slope=0.1)."),
    ("elu", nn.ELU(alpha=0.7), 2.0, (0.0,), "Linear(6,5) (weights x2) then ELU(alpha=0.7)."),
    ("selu", nn.SELU(), 2.0, (0.0,), "Linear(6,5) (weights x2) then SELU."),
    ("sigmoid", nn.Sigmoid(), 4.0, (0.0,), "Linear(6,5) (weights x4) then Sigmoid."),
    ("tanh", nn.Tanh(), 3.0, (0.0,), "Linear(6,5) (weights x3) then Tanh."),
    ("softmax", nn.Softmax(dim=1), 3.0, (0.0,), "Linear(6,5) (weights x3) then Softmax(dim=1)."),
    ("log_softmax", nn.LogSoftmax(dim=1), 3.0, (0.0,),
     "Linear(6,5) (weights x3) then LogSoftmax(dim=1)."),
    ("gelu", nn.GELU(), 3.0, (0.0,),
     "Linear(6,5) (weights x3) then exact GELU (exported in the Erf form)."),
    ("hardsigmoid", nn.Hardsigmoid(), 6.0, (-3.0, 3.0),
     "Linear(6,5) (weights x6) then Hardsigmoid (HardSigmoid alpha=1/6, beta=0.5), "
     "values below -3, between and above 3."),
    ("clip", Clamp(), 1.5, (-0.5, 0.7),
     "Linear(6,5) (weights x1.5) then torch.clamp(x, -0.5, 0.7), values below, between and above."),
    ("relu6", nn.ReLU6(), 10.0, (0.0, 6.0),
     "Linear(6,5) (weights x10) then ReLU6, values below 0, between and above 6."),
]


def activation_fixture(name, act, scale, bounds, description):
    def build():
        return LinearThen(act, scale=scale)

    def region_check(model, x, path, onnx_model):
        with torch.no_grad():
            pre = model.linear(x).reshape(-1)
        edges = [-float("inf")] + list(bounds) + [float("inf")]
        for lo, hi in zip(edges[:-1], edges[1:]):
            if not bool(((pre > lo) & (pre < hi)).any()):
                raise SystemExit("fixture %s: no pre-activation in (%s, %s)" % (name, lo, hi))
        return {}

    fixture(name, build, [6], description, extra=region_check)


def sin_extra(model, x, path, onnx_model):
    sins = [n.name for n in onnx_model.graph.node if n.op_type == "Sin"]
    assert len(sins) == 1, sins
    return {"unsupported_op": "Sin", "unsupported_node": sins[0]}


def op_fixtures():
    gemm = lambda: nn.Linear(6, 5)
    fixture("gemm", gemm, [6], "Linear(6,5), exported as Gemm.")
    fixture("gemm_opset11", gemm, [6], "Linear(6,5), exported as Gemm at opset 11.", opset=11)
    fixture("gemm_opset17", gemm, [6], "Linear(6,5), exported as Gemm at opset 17.", opset=17)
    fixture("matmul_add", MatMulAdd, [6],
            "torch.matmul(x, W) + b with W [6,5] and b [5], exported as MatMul and Add.")
    fixture("conv_basic", lambda: nn.Sequential(nn.Conv2d(3, 4, 3, stride=1, padding=1), nn.ReLU()),
            [3, 8, 8], "Conv2d(3,4,k=3,s=1,p=1) then ReLU on 3x8x8.")
    fixture("conv_strided_dilated",
            lambda: nn.Sequential(nn.Conv2d(3, 4, 3, stride=2, padding=2, dilation=2)),
            [3, 9, 9], "Conv2d(3,4,k=3,s=2,p=2,dilation=2) on 3x9x9.")
    fixture("conv_depthwise", lambda: nn.Sequential(nn.Conv2d(4, 8, 3, padding=1, groups=4)),
            [4, 6, 6], "Depthwise Conv2d(4,8,k=3,p=1,groups=4) (multiplier 2) on 4x6x6.")
    fixture("conv_transpose",
            lambda: nn.Sequential(nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1)),
            [3, 5, 5], "ConvTranspose2d(3,2,k=3,s=2,p=1) on 3x5x5 (output 2x9x9).")
    fixture("batchnorm2d", conv_bn2d, [3, 6, 6],
            "Conv2d(3,4,3) then BatchNorm2d(4, eps=1e-3) with random running stats and affine "
            "parameters on 3x6x6 (the eval-mode export folds the BatchNorm into the Conv).")
    fixture("batchnorm2d_unfused", conv_relu_bn2d, [3, 6, 6],
            "Conv2d(3,4,3), ReLU, then BatchNorm2d(4, eps=1e-3) with random running stats and "
            "affine parameters on 3x6x6 (the ReLU keeps a BatchNormalization node in the export).")
    fixture("batchnorm1d", linear_bn1d, [6],
            "Linear(6,5) then BatchNorm1d(5) (eps=1e-5) with random running stats and affine "
            "parameters.")
    for spec in ACTIVATIONS:
        activation_fixture(*spec)
    fixture("maxpool",
            lambda: nn.Sequential(nn.Conv2d(3, 4, 3, padding=1),
                                  nn.MaxPool2d(kernel_size=3, stride=2, padding=1)),
            [3, 8, 8], "Conv2d(3,4,3,p=1) then MaxPool2d(k=3,s=2,p=1) on 3x8x8.")
    fixture("avgpool",
            lambda: nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.AvgPool2d(kernel_size=2, stride=2)),
            [3, 8, 8], "Conv2d(3,4,3,p=1) then AvgPool2d(k=2,s=2) on 3x8x8.")
    fixture("avgpool_padded",
            lambda: nn.Sequential(nn.Conv2d(3, 4, 3, padding=1),
                                  nn.AvgPool2d(kernel_size=3, stride=2, padding=1)),
            [3, 8, 8],
            "Conv2d(3,4,3,p=1) then AvgPool2d(k=3,s=2,p=1,count_include_pad=True) on 3x8x8 "
            "(torch exports the zero padding as a Pad node before AveragePool).")
    fixture("global_avgpool", GlobalAvg, [3, 6, 6],
            "Conv2d(3,4,3), AdaptiveAvgPool2d(1), flatten(1), Linear(4,3) on 3x6x6.")
    fixture("global_maxpool", GlobalMax, [3, 6, 6],
            "Conv2d(3,4,3), AdaptiveMaxPool2d(1) (torch writes a MaxPool over the whole map), reshape(N, -1), "
            "Linear(4,3) on 3x6x6.")
    fixture("reshape_view", ReshapeView, [3, 6, 6],
            "Conv2d(3,2,3), ReLU, x.view(x.size(0), -1), Linear(32,3) on 3x6x6.")
    fixture("reshape_view_fixed_batch", ReshapeView, [3, 6, 6],
            "reshape_view exported without a dynamic batch (torch's default): the traced batch of 3 is"
            " folded into the Reshape's target shape.", dynamic=False)
    fixture("channel_affine", ChannelAffine, [3, 6, 6],
            "(x - mean) / std per input channel, Conv2d(3,4,3), then * scale + shift per channel "
            "(Sub, Div, Mul, Add with [C,1,1] constants).")
    fixture("feature_affine", FeatureAffine, [6], "2 - Linear(6,5)(x) * w, w one value per feature.")
    fixture("channels_last", ChannelsLastNet, [6, 6, 3],
            "Keras-style NHWC: permute to NCHW, Conv2d(3,4,3), permute to NHWC, ReLU, permute, MaxPool2d(2), "
            "permute to NHWC, reshape(N, -1) in HWC order, Linear(16,3) (Transpose nodes around the conv and pool).")
    fixture("residual_add", Residual, [6],
            "y = relu(Linear(6,6)(x)); out = Linear(6,3)(x + y).")
    fixture("mul_sub", MulSub, [6], "a = Linear(6,4)(x); b = Linear(6,4)(x); out = a * b - a.")
    fixture("concat", ConcatNet, [3, 5, 5],
            "Two Conv2d(3,2,3,p=1) branches, torch.cat(dim=1), Conv2d(4,2,1) on 3x5x5.")
    fixture("scalar_constant", lambda: LinearThen(ScalarConstant(), n_out=4), [6],
            "Linear(6,4) then * 2.5 then + 1.0.")
    fixture("identity", lambda: nn.Sequential(nn.Linear(6, 5), nn.Identity(), nn.Linear(5, 3)), [6],
            "Linear(6,5), nn.Identity, Linear(5,3) (torch drops the Identity from the export).")
    fixture("unsupported_sin", lambda: LinearThen(Sin(), n_out=4), [6],
            "Linear(6,4) then torch.sin: Sin is not supported and must be refused.",
            extra=sin_extra)


# ---------------------------------------------------------------------------------------------
# MC fixtures


def mc_stats(samples):
    """samples: [batch, outputs, T] -> baal-style statistics, each flattened [batch][outputs]."""
    s = np.asarray(samples, dtype=np.float64)
    b, o, t = s.shape
    s = s.reshape(b * o, t)
    q = np.quantile(s, [float(v) for v in QUANTILES], axis=1)
    return {
        "iterations": t,
        "mean": [float(v) for v in s.mean(axis=1)],
        "sd": [float(v) for v in s.std(axis=1, ddof=0)],
        "quantiles": {k: [float(v) for v in q[i]] for i, k in enumerate(QUANTILES)},
    }


def check_mc_against_exact(name, baal, mean, sd):
    """The MC mean must lie within 5 standard errors of the exact mean (a sanity check)."""
    z = [(m - e) / (s / np.sqrt(baal["iterations"])) if s > 0 else 0.0
         for m, e, s in zip(baal["mean"], mean, sd)]
    if max(abs(v) for v in z) > 5:
        raise SystemExit("fixture %s: MC mean far from the exact mean, z = %s" % (name, z))
    print("  %s: MC vs exact mean z-scores %s" % (name, ["%.2f" % v for v in z]))


def baal_mlp():
    return nn.Sequential(nn.Linear(10, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 4), nn.ReLU(),
                         nn.Dropout(0.5), nn.Linear(4, 2))


def mlp_exact(model, x):
    """Exact mean and sd of the MLP's output over all 2^12 dropout masks, in float64."""
    m = copy.deepcopy(model).double()
    l1, l2, l3 = m[0], m[3], m[6]
    xd = x.double()
    p1, p2 = m[2].p, m[5].p
    with torch.no_grad():
        h1 = F.relu(l1(xd))                                              # [B, 8]
        m1 = torch.tensor([[(i >> j) & 1 for j in range(8)] for i in range(256)], dtype=torch.float64)
        m2 = torch.tensor([[(i >> j) & 1 for j in range(4)] for i in range(16)], dtype=torch.float64)
        h1m = h1[None] * m1[:, None, :] / (1 - p1)                     # [256, B, 8]
        h2 = F.relu(l2(h1m))                                             # [256, B, 4]
        h2m = h2[:, None] * m2[None, :, None, :] / (1 - p2)            # [256, 16, B, 4]
        out = l3(h2m).reshape(256 * 16, x.shape[0], -1)                  # [4096, B, 2], equally likely
        mean = out.mean(dim=0)
        sd = ((out - mean) ** 2).mean(dim=0).sqrt()
    return [float(v) for v in mean.reshape(-1)], [float(v) for v in sd.reshape(-1)]


def mlp_baal(model, x, seed):
    """baal's MCDropoutModule.predict_on_batch(x, iterations=T) with replicate_in_memory: Dropout in
    train mode, everything else eval, the batch repeated T times in one forward; [B, out, T]."""
    m = copy.deepcopy(model).eval()
    for mod in m.modules():
        if isinstance(mod, nn.Dropout):
            mod.train()
    torch.manual_seed(seed)
    with torch.no_grad():
        out = m(x.repeat(MC_ITERATIONS, 1))
    out = out.view(MC_ITERATIONS, x.shape[0], -1).permute(1, 2, 0)
    return mc_stats(out.numpy())


def mlp_extra(seed):
    def extra(model, x, path, onnx_model):
        mean, sd = mlp_exact(model, x)
        baal = mlp_baal(model, x, seed)
        check_mc_against_exact("baal_mlp", baal, mean, sd)
        return {"dropout": [0.5, 0.5], "exact_mean": mean, "exact_sd": sd, "baal": baal}
    return extra


class DummyModel(nn.Module):
    """baal's DummyModel (tests)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, kernel_size=10)
        self.relu = nn.ReLU()
        self.dropout = nn.Dropout()
        self.linear = nn.Linear(8, 1)
        self.sigmoid = nn.Sigmoid()

    def forward(self, x):
        x = self.conv(x)
        x = self.relu(x)
        x = x.view(x.shape[0], -1)
        x = self.dropout(x)
        x = self.linear(x)
        x = self.sigmoid(x)
        return x


class WeightDropLinear(nn.Linear):
    """What baal's WeightDropLinear does: weights dropped (kept ones scaled by 1/(1-p)) with a fresh
    mask per forward call, shared by the whole batch; the bias is not dropped."""

    def __init__(self, weight_dropout, **kwargs):
        super().__init__(**kwargs)
        self._weight_dropout = weight_dropout

    def forward(self, input):
        w = F.dropout(self.weight, p=self._weight_dropout, training=True)
        return F.linear(input, w, self.bias)


def dropconnect(model, p):
    """baal's MCDropoutConnectModule(model, layers=["Linear"], weight_dropout=p)."""
    m = copy.deepcopy(model)
    for parent in list(m.modules()):
        for cname, child in list(parent.named_children()):
            if type(child) is nn.Linear:
                new = WeightDropLinear(p, in_features=child.in_features,
                                       out_features=child.out_features, bias=child.bias is not None)
                new.load_state_dict(child.state_dict())
                setattr(parent, cname, new)
            elif isinstance(child, nn.Dropout):
                child.p = 0.0
    return m


DC_P = 0.9


def dummy_features(model, x):
    with torch.no_grad():
        return F.relu(model.conv(x)).reshape(x.shape[0], -1)


def find_dummy_seed():
    """The first seed whose conv features (after ReLU) are positive in at least 6 of 8 units for
    every example, so the DropConnect posterior of Linear(8,1) is far from degenerate."""
    for seed in range(100000):
        torch.manual_seed(seed)
        model = DummyModel().eval()
        x = torch.randn(N_EXAMPLES, 3, 10, 10)
        if bool(((dummy_features(model, x) > 0).sum(dim=1) >= 6).all()):
            return seed
    raise SystemExit("no seed for baal_dummy")


def dummy_exact(model, x):
    """Exact mean and sd of the sigmoid output over all 2^8 weight masks of Linear(8,1), float64."""
    m = copy.deepcopy(model).double()
    xd = x.double()
    with torch.no_grad():
        h = F.relu(m.conv(xd)).reshape(x.shape[0], -1)                  # [B, 8]
        masks = torch.tensor([[(i >> j) & 1 for j in range(8)] for i in range(256)],
                             dtype=torch.float64)                         # [256, 8]
        keep = 1.0 - DC_P
        prob = (masks * keep + (1 - masks) * (1 - keep)).prod(dim=1)      # [256]
        w = m.linear.weight[0]                                            # [8]
        z = (masks * w / keep) @ h.T + m.linear.bias[0]                   # [256, B]
        out = torch.sigmoid(z)
        mean = (prob[:, None] * out).sum(dim=0)
        sd = (prob[:, None] * (out - mean) ** 2).sum(dim=0).sqrt()
    assert abs(float(prob.sum()) - 1.0) < 1e-12
    return [float(v) for v in mean], [float(v) for v in sd]


def dummy_baal(model, x, seed):
    """T forward passes of the DropConnect module, one fresh weight mask per pass shared by the
    batch; [B, 1, T]."""
    m = dropconnect(model, DC_P).eval()
    torch.manual_seed(seed)
    outs = []
    with torch.no_grad():
        for _ in range(MC_ITERATIONS):
            outs.append(m(x))
    out = torch.stack(outs, dim=-1)                                       # [B, 1, T]
    return mc_stats(out.numpy())


def dummy_extra(seed):
    def extra(model, x, path, onnx_model):
        mean, sd = dummy_exact(model, x)
        baal = dummy_baal(model, x, seed)
        check_mc_against_exact("baal_dummy", baal, mean, sd)
        with torch.no_grad():
            positive = (dummy_features(model, x) > 0).sum(dim=1).tolist()
        print("  baal_dummy: positive conv units per example %s" % positive)
        return {"dropconnect": {"p": DC_P, "layers": ["Linear"]}, "exact_mean": mean,
                "exact_sd": sd, "baal": baal}
    return extra


def bn_training():
    bn = randomize_bn(nn.BatchNorm2d(4))
    # momentum 0: the trace forward of a TrainingMode.TRAINING export runs BatchNorm in training
    # mode, which would otherwise move the running statistics (by momentum 0.1 towards the dummy
    # batch's statistics) before they are written to the file.
    bn.momentum = 0.0
    return nn.Sequential(nn.Conv2d(3, 4, 3), bn, nn.ReLU(), nn.Flatten(), nn.Dropout(0.3),
                         nn.Linear(4 * 4 * 4, 3))


def bn_extra(model, x, path, onnx_model):
    bns = [n for n in onnx_model.graph.node if n.op_type == "BatchNormalization"]
    assert len(bns) == 1
    bn_node = bns[0]
    inits = {i.name: numpy_helper.to_array(i) for i in onnx_model.graph.initializer}
    bn = model[1]
    stored_mean = inits[bn_node.input[3]]
    stored_var = inits[bn_node.input[4]]
    same = (np.array_equal(stored_mean, bn.running_mean.numpy())
            and np.array_equal(stored_var, bn.running_var.numpy()))
    print("  bn_training_export: running_mean/var in the file equal the model's (pre-export "
          "copy): %s" % same)
    if not same:
        raise SystemExit("bn_training_export: the export changed the running statistics")
    return {"dropout": [0.3], "bn_outputs": len(bn_node.output)}


def mc_fixtures():
    mlp_desc = ("baal's MC-dropout MLP Linear(10,8), ReLU, Dropout(0.5), Linear(8,4), ReLU, "
                "Dropout(0.5), Linear(4,2), exported in training mode so the Dropout nodes stay")
    for name, opset in (("baal_mlp", 13), ("baal_mlp_opset11", 11), ("baal_mlp_opset17", 17)):
        fixture(name, baal_mlp, [10], mlp_desc + " (opset %d)." % opset, opset=opset, seed=0,
                training=True, extra=mlp_extra(seed=12345))
    seed = find_dummy_seed()
    print("  baal_dummy: seed %d" % seed)
    fixture("baal_dummy", DummyModel, [3, 10, 10],
            "baal's DummyModel (Conv2d(3,8,10), ReLU, view, Dropout, Linear(8,1), Sigmoid) exported "
            "in eval mode, for MC DropConnect p=0.9 on Linear.",
            seed=seed, extra=dummy_extra(seed=12345))
    fixture("bn_training_export", bn_training, [3, 6, 6],
            "Conv2d(3,4,3), BatchNorm2d(4) with random running stats, ReLU, Flatten, Dropout(0.3), "
            "Linear(64,3) exported in training mode (BatchNormalization with 5 outputs, Dropout kept); "
            "BatchNorm must run with the running statistics.",
            seed=0, training=True, extra=bn_extra)


def main():
    if not os.path.isdir(os.path.join("core", "src", "test")):
        raise SystemExit("run from the repository root")
    os.makedirs(OUT_DIR, exist_ok=True)
    op_fixtures()
    mc_fixtures()
    total = 0
    for name, opset, ops, size in MADE:
        total += size
        print("%-22s opset %-2d %6d B  %s" % (name, opset, size, " ".join(ops)))
    print("%d fixtures, %d bytes of .onnx" % (len(MADE), total))


if __name__ == "__main__":
    main()
