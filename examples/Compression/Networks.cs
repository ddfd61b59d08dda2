using Ibex.Dsl;
using Ibex.Runtime;

namespace Ibex.Examples.Compression;

// The two networks Sparse Variational Dropout compresses (Molchanov, Ashukha & Vetrov, ICML 2017, Table 1), each with
// the paper's log-normal noise and with Sparse VD's Gaussian noise, at β = 1: the loss is then CE + Ĩ(w;D)/N, the
// variational lower bound both papers start from.

/// <summary>LeNet-300-100 with log-normal weight noise.</summary>
[InfoRegularized(beta: 1.0)]
[Input(784)]
public sealed partial class LeNet300LogNormal
{
    [Stochastic, Dense(300)] public partial Layer Hidden1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [Stochastic, Dense(100)] public partial Layer Hidden2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}

/// <summary>LeNet-300-100 with Gaussian weight noise.</summary>
[InfoRegularized(beta: 1.0, Noise = NoiseFamily.Gaussian)]
[Input(784)]
public sealed partial class LeNet300Gaussian
{
    [Stochastic, Dense(300)] public partial Layer Hidden1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [Stochastic, Dense(100)] public partial Layer Hidden2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}

/// <summary>LeNet-5 as Caffe ships it (20 and 50 5×5 filters, each followed by 2×2 max pooling, 500 units), log-normal noise.</summary>
[InfoRegularized(beta: 1.0)]
[Input(1, 28, 28)]
public sealed partial class LeNet5LogNormal
{
    [Stochastic, Conv2d(20, 5)] public partial Layer Conv1 { get; }
    [MaxPool2d(2)] public partial Layer Pool1 { get; }
    [Stochastic, Conv2d(50, 5)] public partial Layer Conv2 { get; }
    [MaxPool2d(2)] public partial Layer Pool2 { get; }
    [Flatten] public partial Layer Features { get; }
    [Stochastic, Dense(500)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}

/// <summary>LeNet-5 as Caffe ships it, Gaussian noise.</summary>
[InfoRegularized(beta: 1.0, Noise = NoiseFamily.Gaussian)]
[Input(1, 28, 28)]
public sealed partial class LeNet5Gaussian
{
    [Stochastic, Conv2d(20, 5)] public partial Layer Conv1 { get; }
    [MaxPool2d(2)] public partial Layer Pool1 { get; }
    [Stochastic, Conv2d(50, 5)] public partial Layer Conv2 { get; }
    [MaxPool2d(2)] public partial Layer Pool2 { get; }
    [Flatten] public partial Layer Features { get; }
    [Stochastic, Dense(500)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}
