import torch, torchvision, json, copy
torch.manual_seed(0)
torch.set_num_threads(1)
def export(name, model, shape, **kw):
    model.eval()
    # non-trivial batch-norm statistics
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2); m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5); m.bias.data.uniform_(-0.2, 0.2)
    x = torch.randn(2, *shape)
    with torch.no_grad():
        y = model(x)
    torch.onnx.export(model, x, name + ".onnx", opset_version=13, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, **kw)
    json.dump({"inputs": x.reshape(2, -1).tolist(), "outputs": y.reshape(2, -1).tolist()}, open(name + ".json", "w"))
    print(name, sorted({n.op_type for n in __import__("onnx").load(name + ".onnx").graph.node}))
export("resnet18", torchvision.models.resnet18(num_classes=10), [3, 64, 64])
export("mobilenet_v2", torchvision.models.mobilenet_v2(num_classes=10), [3, 64, 64])
export("squeezenet", torchvision.models.squeezenet1_1(num_classes=10), [3, 64, 64])
