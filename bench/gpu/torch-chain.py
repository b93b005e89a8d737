# PyTorch eager (fp32, TF32 off, cudnn.benchmark) on the chain bench/gpu/chain.mjs times: the same
# 3×3 layers with a ReLU after each, batch 1 and 32, CUDA events around the whole chain (median of
# 30 after 300 ms of heat). Usage on the lent GPU: python3 bench/gpu/torch-chain.py chain.json out.json
import json
import sys
import time

import torch

torch.backends.cudnn.allow_tf32 = False
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.benchmark = True

spec = json.load(open(sys.argv[1]))
side = spec["side"]
results = []
for row in spec["rows"]:
    batch = row["batch"]
    layers = []
    for out, inp, stride in spec["layers"]:
        layers += [torch.nn.Conv2d(inp, out, 3, stride=stride, padding=1), torch.nn.ReLU()]
    net = torch.nn.Sequential(*layers).cuda().eval()
    x = torch.randn(batch, 3, side, side, device="cuda")
    with torch.no_grad():
        for _ in range(5):
            net(x)
        end = time.perf_counter() + 0.3
        while time.perf_counter() < end:
            net(x)
        torch.cuda.synchronize()
        times = []
        for _ in range(30):
            start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            net(x)
            stop.record()
            torch.cuda.synchronize()
            times.append(start.elapsed_time(stop) * 1000)
    times.sort()
    us = times[len(times) // 2]
    results.append({"batch": batch, "torchUs": us, "convlabChainUs": row["chainUs"], "ratio": row["chainUs"] / us})
    print(f"N={batch}: PyTorch eager {us / 1000:.3f} ms, convlab chain {row['chainUs'] / 1000:.3f} ms ({row['chainUs'] / us:.2f}×)", flush=True)

json.dump({"torch": torch.__version__, "device": torch.cuda.get_device_name(), "results": results}, open(sys.argv[2], "w"), indent=1)
