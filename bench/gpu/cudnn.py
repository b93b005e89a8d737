# cuDNN (through PyTorch, fp32, TF32 off) on the layer suite, timed the way bench/gpu/check.mjs times
# convlab's WebGPU kernels, so the two compare like with like in one device call: the GPU is first
# kept busy for 300 ms (an idle H200 sits at 345 MHz and takes a while to reach 1980 MHz), then each
# kernel is timed two ways: CUDA events around every run (median; what GPU.md's table reports, which
# for small layers includes PyTorch's ~10-20 µs of launching on the CPU), and a CUDA graph of 20 runs
# replayed (its time / 20: the kernels back to back, no launch gaps — like check.mjs's timestamps
# around each compute pass). Best of two rounds each. Usage on the lent GPU (python3 there holds PyTorch):
#   node bench/gpu/layers.mjs > /tmp/layers.json; python3 bench/gpu/cudnn.py /tmp/layers.json $OUT/cudnn.json
import json
import sys
import time

import torch

torch.backends.cudnn.allow_tf32 = False
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.benchmark = True  # let cuDNN pick its fastest algorithm, as a tuned user would

layers = json.load(open(sys.argv[1]))
results = []


def heat(run, seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        for _ in range(20):
            run()
        torch.cuda.synchronize()


def time_runs(run, runs):
    events = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(runs)]
    for start, stop in events:
        start.record()
        run()
        stop.record()
    torch.cuda.synchronize()
    times = sorted(start.elapsed_time(stop) * 1000 for start, stop in events)
    return times[len(times) // 2]


for layer in layers:
    for batch in (1, 32):
        shape = [batch] + layer["input"][1:]
        options = layer["options"]
        padding = options.get("padding", 0)
        conv = torch.nn.Conv2d(
            shape[1], layer["weight"][0], layer["weight"][2:], stride=options.get("stride", 1), padding=padding,
            dilation=options.get("dilation", 1), groups=options.get("groups", 1), bias=True,
        ).cuda().eval()
        x = torch.randn(shape, device="cuda")
        with torch.no_grad():
            run = lambda: conv(x)  # noqa: E731
            for _ in range(5):
                run()
            heat(run, 0.3)
            us = min(time_runs(run, 200 if batch == 1 else 50) for _ in range(2))
            graph = torch.cuda.CUDAGraph()
            stream = torch.cuda.Stream()
            stream.wait_stream(torch.cuda.current_stream())
            with torch.cuda.stream(stream):
                for _ in range(3):
                    run()
            torch.cuda.current_stream().wait_stream(stream)
            with torch.cuda.graph(graph):
                for _ in range(20):
                    run()
            graph.replay()
            heat(graph.replay, 0.1)
            graph_us = min(time_runs(graph.replay, 20) for _ in range(2)) / 20
        n, o = batch, layer["weight"][0]
        out = conv(x).shape
        flops = 2 * n * o * out[2] * out[3] * layer["weight"][1] * layer["weight"][2] * layer["weight"][3]
        results.append({"layer": layer["id"], "batch": batch, "eventUs": us, "graphUs": graph_us, "tflops": flops / graph_us / 1e6})
        print(f"cuDNN {layer['id']:>4} N={batch:<2} events {us:8.1f} µs  graph {graph_us:8.1f} µs {flops / graph_us / 1e6:7.2f} TFLOP/s", flush=True)

json.dump({"torch": torch.__version__, "cudnn": torch.backends.cudnn.version(), "device": torch.cuda.get_device_name(), "results": results},
          open(sys.argv[2], "w"), indent=1)
