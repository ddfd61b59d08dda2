"""PyTorch reference for scripts/gpu-check.sh: the same stochastic MLP (784-512-256-10, per-weight log-normal noise,
local reparameterization, KL = 1/2 * sum(log alpha_max - rho)), loss and Adam step as the example's FashionMlp (the GPU check's mlp), timed eagerly and,
where torch.compile exists, compiled. Prints one JSON object."""
import json
import math
import sys
import time

import torch

LOG_ALPHA_MAX = math.log(4.0)
MIN_LOG_ALPHA = -10.0


class StochasticDense(torch.nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        bound = 1.0 / math.sqrt(n_in)
        self.weight = torch.nn.Parameter(torch.empty(n_out, n_in).uniform_(-bound, bound))
        self.bias = torch.nn.Parameter(torch.empty(n_out).uniform_(-bound, bound))
        self.log_alpha = torch.nn.Parameter(torch.full((n_out, n_in), -6.0))

    def forward(self, x):
        rho = self.log_alpha.clamp(MIN_LOG_ALPHA, LOG_ALPHA_MAX)
        mean = torch.nn.functional.linear(x, self.weight, self.bias)
        variance = torch.nn.functional.linear(x * x, self.weight * self.weight * torch.expm1(torch.exp(rho)))
        out = mean + torch.sqrt(variance + 1e-8) * torch.randn_like(mean)
        information = (LOG_ALPHA_MAX * rho.numel() - rho.sum()) * 0.5
        return out, information


class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden1 = StochasticDense(784, 512)
        self.hidden2 = StochasticDense(512, 256)
        self.scores = StochasticDense(256, 10)

    def forward(self, x):
        x, i1 = self.hidden1(x)
        x, i2 = self.hidden2(torch.relu(x))
        x, i3 = self.scores(torch.relu(x))
        return x, i1 + i2 + i3


def loss_of(model, x, y):
    logits, information = model(x)
    return torch.nn.functional.cross_entropy(logits, y) + information * (0.01 / 60000)


def time_steps(device, batch, steps, compiled):
    torch.manual_seed(0)
    model = Mlp().to(device)
    optimizer = torch.optim.Adam([
        {"params": [m.weight for m in (model.hidden1, model.hidden2, model.scores)] + [m.bias for m in (model.hidden1, model.hidden2, model.scores)], "lr": 1e-3},
        {"params": [m.log_alpha for m in (model.hidden1, model.hidden2, model.scores)], "lr": 3e-2},
    ])
    step_loss = torch.compile(loss_of) if compiled else loss_of
    x = torch.rand(batch, 784, device=device)
    y = torch.randint(0, 10, (batch,), device=device)
    times = []
    for i in range(steps + 20):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = step_loss(model, x, y)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            for m in (model.hidden1, model.hidden2, model.scores):
                m.log_alpha.clamp_(MIN_LOG_ALPHA, LOG_ALPHA_MAX)
        if device.type == "cuda":
            torch.cuda.synchronize()
        if i >= 20:
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2]


def main():
    device = torch.device(sys.argv[1])
    batch = int(sys.argv[2])
    steps = int(sys.argv[3])
    result = {"torch": torch.__version__, "device": str(device), "batch": batch, "eagerMs": time_steps(device, batch, steps, False)}
    if hasattr(torch, "compile"):
        try:
            result["compiledMs"] = time_steps(device, batch, steps, True)
        except Exception as error:  # report, do not hide: the table shows why compile is missing
            result["compileError"] = f"{type(error).__name__}: {error}"[:300]
    else:
        result["compileError"] = "torch.compile does not exist in torch " + torch.__version__
    print(json.dumps(result))


if __name__ == "__main__":
    main()
