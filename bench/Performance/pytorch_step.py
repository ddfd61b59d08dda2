"""PyTorch reference for bench/Performance: the stochastic MLP 784-1024-1024-10, the stochastic CNN of
examples/FashionMnist/FashionCnn.cs and the VGG- and ResNet-style networks of Networks.cs, with the same per-weight log-normal noise (local reparameterization), Information
Dropout, KL, loss, Adam step and clamp as the Ibex-generated networks, run eagerly on the CPU.

  time  --model mlp|cnn|vgg|resnet --batch B --steps S   median milliseconds of a training step and of an evaluation forward
  check --model mlp|cnn|vgg|resnet --batch B --weights F --seed S   the training-mode loss on exported weights and seeded noise

Prints one JSON object."""
import argparse
import ctypes
import json
import math
import threading
import time


def resident_mb(key="VmRSS"):
    """A line of /proc/self/status in MiB: VmRSS now, VmHWM the peak. Not getrusage's ru_maxrss for the peak: Linux keeps
    that across execve, so a child of a large process (the .NET bench) would report its parent's peak."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(key + " is not in /proc/self/status")


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


_libc = ctypes.CDLL("libc.so.6")
_libc.mallinfo2.restype = _MallInfo2


def heap_in_use_mb():
    """What glibc's heap holds for live allocations (uordblks + hblkhd), as the .NET bench's NativeHeapInUse reads it."""
    info = _libc.mallinfo2()
    return (info.uordblks + info.hblkhd) / (1024 * 1024)


# Resident memory before torch is imported is the interpreter's; the bench compares what is resident once the framework is
# loaded and before the network is built.
import torch
import torch.nn.functional as F

LOG_ALPHA_MAX = math.log(4.0)
MIN_LOG_ALPHA = -10.0
VARIANCE_FLOOR = 1e-8
BETA_OVER_N = 0.01 / 60000


class StochasticDense(torch.nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        bound = 1.0 / math.sqrt(n_in)
        self.weight = torch.nn.Parameter(torch.empty(n_out, n_in).uniform_(-bound, bound))
        self.bias = torch.nn.Parameter(torch.empty(n_out).uniform_(-bound, bound))
        self.log_alpha = torch.nn.Parameter(torch.full((n_out, n_in), -6.0))

    def forward(self, x):
        rho = self.log_alpha.clamp(MIN_LOG_ALPHA, LOG_ALPHA_MAX)
        if not self.training:
            return F.linear(x, self.weight, self.bias), rho
        mean = F.linear(x, self.weight, self.bias)
        variance = F.linear(x * x, self.weight * self.weight * torch.expm1(torch.exp(rho)))
        return mean + torch.sqrt(variance + VARIANCE_FLOOR) * torch.randn_like(mean), rho


class StochasticConv(torch.nn.Module):
    def __init__(self, c_in, c_out, kernel, padding, stride=1):
        super().__init__()
        bound = 1.0 / math.sqrt(c_in * kernel * kernel)
        self.weight = torch.nn.Parameter(torch.empty(c_out, c_in, kernel, kernel).uniform_(-bound, bound))
        self.bias = torch.nn.Parameter(torch.empty(c_out).uniform_(-bound, bound))
        self.log_alpha = torch.nn.Parameter(torch.full((c_out, c_in, kernel, kernel), -6.0))
        self.padding = padding
        self.stride = stride

    def forward(self, x):
        rho = self.log_alpha.clamp(MIN_LOG_ALPHA, LOG_ALPHA_MAX)
        if not self.training:
            return F.conv2d(x, self.weight, self.bias, stride=self.stride, padding=self.padding), rho
        mean = F.conv2d(x, self.weight, self.bias, stride=self.stride, padding=self.padding)
        variance = F.conv2d(x * x, self.weight * self.weight * torch.expm1(torch.exp(rho)), stride=self.stride, padding=self.padding)
        return mean + torch.sqrt(variance + VARIANCE_FLOOR) * torch.randn_like(mean), rho


def weight_information(rho):
    return (LOG_ALPHA_MAX * rho.numel() - rho.sum()) * 0.5


class Mlp(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.Hidden1 = StochasticDense(784, 1024)
        self.Hidden2 = StochasticDense(1024, 1024)
        self.Scores = StochasticDense(1024, 10)

    def forward(self, x):
        x, r1 = self.Hidden1(x)
        x, r2 = self.Hidden2(F.relu(x))
        x, r3 = self.Scores(F.relu(x))
        return x, weight_information(r1) + weight_information(r2) + weight_information(r3)


class InformationDropout(torch.nn.Module):
    def __init__(self, c_in, c_out, kernel, padding, alpha_max=0.7):
        super().__init__()
        bound = 1.0 / math.sqrt(c_in * kernel * kernel)
        self.alpha_weight = torch.nn.Parameter(torch.empty(c_out, c_in, kernel, kernel).uniform_(-bound, bound))
        self.alpha_bias = torch.nn.Parameter(torch.empty(c_out).uniform_(-bound, bound))
        self.padding = padding
        self.alpha_max = alpha_max


class Cnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.Conv1 = StochasticConv(1, 32, 3, 1)
        self.Norm1 = torch.nn.BatchNorm2d(32)
        self.Activation1 = InformationDropout(1, 32, 3, 1)
        self.Conv2 = StochasticConv(32, 64, 3, 1)
        self.Norm2 = torch.nn.BatchNorm2d(64)
        self.Hidden = StochasticDense(3136, 256)
        self.Scores = StochasticDense(256, 10)

    def forward(self, x):
        x = x.reshape(-1, 1, 28, 28)
        conv1_input = x
        x, r1 = self.Conv1(x)
        x = F.relu(self.Norm1(x))
        activation_information = torch.zeros(())
        if self.training:
            d = self.Activation1
            alpha = torch.sigmoid(F.conv2d(conv1_input, d.alpha_weight, d.alpha_bias, padding=d.padding)) * d.alpha_max + 0.001
            x = x * torch.exp(alpha * torch.randn_like(x))
            activation_information = (-torch.log(alpha) + math.log(d.alpha_max + 0.001)).sum() / alpha.shape[0]
        x = F.max_pool2d(x, 2, 2)
        x, r2 = self.Conv2(x)
        x = F.max_pool2d(F.relu(self.Norm2(x)), 2, 2)
        x, r3 = self.Hidden(x.flatten(1))
        x, r4 = self.Scores(F.relu(x))
        information = weight_information(r1) + weight_information(r2) + weight_information(r3) + weight_information(r4)
        return x, information + activation_information


class Vgg(torch.nn.Module):
    """The VGG-style network of bench/Performance/Networks.cs (BenchVgg)."""

    def __init__(self):
        super().__init__()
        self.Conv1a = StochasticConv(1, 32, 3, 1)
        self.Norm1a = torch.nn.BatchNorm2d(32)
        self.Conv1b = StochasticConv(32, 32, 3, 1)
        self.Norm1b = torch.nn.BatchNorm2d(32)
        self.Conv2a = StochasticConv(32, 64, 3, 1)
        self.Norm2a = torch.nn.BatchNorm2d(64)
        self.Conv2b = StochasticConv(64, 64, 3, 1)
        self.Norm2b = torch.nn.BatchNorm2d(64)
        self.Hidden = StochasticDense(3136, 256)
        self.Scores = StochasticDense(256, 10)

    def forward(self, x):
        x = x.reshape(-1, 1, 28, 28)
        information = 0
        for conv, norm in [(self.Conv1a, self.Norm1a), (self.Conv1b, self.Norm1b)]:
            x, rho = conv(x)
            x = F.relu(norm(x))
            information = information + weight_information(rho)
        x = F.max_pool2d(x, 2, 2)
        for conv, norm in [(self.Conv2a, self.Norm2a), (self.Conv2b, self.Norm2b)]:
            x, rho = conv(x)
            x = F.relu(norm(x))
            information = information + weight_information(rho)
        x = F.max_pool2d(x, 2, 2)
        x, r1 = self.Hidden(x.flatten(1))
        x, r2 = self.Scores(F.relu(x))
        return x, information + weight_information(r1) + weight_information(r2)


class ResNet(torch.nn.Module):
    """The ResNet-style network of bench/Performance/Networks.cs (BenchResNet)."""

    def __init__(self):
        super().__init__()
        self.Stem = StochasticConv(1, 32, 3, 1)
        self.StemNorm = torch.nn.BatchNorm2d(32)
        self.Conv1a = StochasticConv(32, 32, 3, 1)
        self.Norm1a = torch.nn.BatchNorm2d(32)
        self.Conv1b = StochasticConv(32, 32, 3, 1)
        self.Norm1b = torch.nn.BatchNorm2d(32)
        self.Conv2a = StochasticConv(32, 64, 3, 1, stride=2)
        self.Norm2a = torch.nn.BatchNorm2d(64)
        self.Conv2b = StochasticConv(64, 64, 3, 1)
        self.Norm2b = torch.nn.BatchNorm2d(64)
        self.Skip2 = torch.nn.Conv2d(32, 64, 1, stride=2, bias=False)
        self.Conv3a = StochasticConv(64, 64, 3, 1)
        self.Norm3a = torch.nn.BatchNorm2d(64)
        self.Conv3b = StochasticConv(64, 64, 3, 1)
        self.Norm3b = torch.nn.BatchNorm2d(64)
        self.Scores = StochasticDense(64, 10)

    def block(self, x, conv_a, norm_a, conv_b, norm_b, shortcut):
        h, r_a = conv_a(x)
        h, r_b = conv_b(F.relu(norm_a(h)))
        return F.relu(norm_b(h) + shortcut), weight_information(r_a) + weight_information(r_b)

    def forward(self, x):
        x, r = self.Stem(x.reshape(-1, 1, 28, 28))
        x = F.relu(self.StemNorm(x))
        x, i1 = self.block(x, self.Conv1a, self.Norm1a, self.Conv1b, self.Norm1b, x)
        x, i2 = self.block(x, self.Conv2a, self.Norm2a, self.Conv2b, self.Norm2b, self.Skip2(x))
        x, i3 = self.block(x, self.Conv3a, self.Norm3a, self.Conv3b, self.Norm3b, x)
        x, r_scores = self.Scores(x.mean((2, 3)))
        return x, weight_information(r) + i1 + i2 + i3 + weight_information(r_scores)


def model_of(name):
    return {"mlp": Mlp, "cnn": Cnn, "vgg": Vgg, "resnet": ResNet}[name]()


def optimizer_of(model):
    log_alphas = [p for n, p in model.named_parameters() if n.endswith("log_alpha")]
    others = [p for n, p in model.named_parameters() if not n.endswith("log_alpha")]
    return torch.optim.Adam([{"params": others, "lr": 1e-3}, {"params": log_alphas, "lr": 3e-2}])


def batch_of(batch, seed):
    torch.manual_seed(seed)
    x = torch.rand(batch, 784)
    y = x[:, :10].argmax(1)
    return x, y


def step(model, optimizer, x, y, after_forward=None):
    model.zero_grad(set_to_none=True)
    logits, information = model(x)
    loss = F.cross_entropy(logits, y) + information * BETA_OVER_N
    if after_forward is not None:
        after_forward()
    loss.backward()
    optimizer.step()
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("log_alpha"):
                p.clamp_(MIN_LOG_ALPHA, LOG_ALPHA_MAX)
    return loss


def median_ms(action, warmup, steps):
    for _ in range(warmup):
        action()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2]


def time_model(args):
    torch.manual_seed(0)
    rss_before_network = resident_mb()
    model = model_of(args.model)
    optimizer = optimizer_of(model)
    x, y = batch_of(args.batch, 1)
    model.train()
    train_ms = median_ms(lambda: step(model, optimizer, x, y), args.warmup, args.steps)
    model.eval()
    with torch.no_grad():
        eval_ms = median_ms(lambda: model(x), args.warmup, args.steps)
    model.train()
    heap_after_forward = [0.0]

    def sample_heap():
        heap_after_forward[0] = max(heap_after_forward[0], heap_in_use_mb())

    # The peak within a step (during the backward), read about every millisecond by a thread of its own: libtorch's
    # operations release the GIL, so it runs while they do.
    heap_peak = [0.0]
    sampling = threading.Event()

    def sample_peak():
        while not sampling.is_set():
            heap_peak[0] = max(heap_peak[0], heap_in_use_mb())
            time.sleep(0.001)

    sampler = threading.Thread(target=sample_peak, daemon=True)
    sampler.start()
    for _ in range(3):
        step(model, optimizer, x, y, sample_heap)
    sampling.set()
    sampler.join()
    return {"model": args.model, "batch": args.batch, "train_step_ms": train_ms, "eval_forward_ms": eval_ms,
            "peak_rss_mb": resident_mb("VmHWM"), "rss_before_network_mb": rss_before_network,
            "heap_after_forward_mb": heap_after_forward[0], "heap_peak_mb": heap_peak[0], "threads": torch.get_num_threads(), "torch": torch.__version__}


def check(args):
    model = model_of(args.model)
    state = torch.load(args.weights)
    model.load_state_dict(state, strict=False)
    missing = [k for k in model.state_dict() if k not in state]
    x, y = batch_of(args.batch, args.seed)
    model.train()
    torch.manual_seed(args.seed + 1)
    logits, information = model(x)
    loss = F.cross_entropy(logits, y) + information * BETA_OVER_N
    return {"model": args.model, "loss": loss.item(), "information": information.item(), "missing": missing}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("verb", choices=["time", "check"])
    parser.add_argument("--model", choices=["mlp", "cnn", "vgg", "resnet"], required=True)
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--weights")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(json.dumps(time_model(args) if args.verb == "time" else check(args)))


if __name__ == "__main__":
    main()
