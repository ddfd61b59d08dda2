using Ibex.Dsl;
using Ibex.Runtime;

namespace IbexConsole;

/// <summary>
/// A stochastic convolutional network for 28×28 grey images in 10 classes. Every weight of the convolutions and dense
/// layers carries log-normal noise with a learned variance α; training pays β/N nats for what the weights store about
/// the training set. Ibex's source generator writes the other half of this class: build once, then press F12 on a layer.
/// </summary>
[InfoRegularized(beta: 0.01)]
[Input(1, 28, 28)]
public sealed partial class ImageClassifier
{
    [Stochastic, Conv2d(16, 5, Padding = 2)] public partial Layer Conv1 { get; }
    [ReLU] public partial Layer Activation1 { get; }
    [MaxPool2d(2)] public partial Layer Pool1 { get; }
    [Stochastic, Conv2d(32, 5, Padding = 2)] public partial Layer Conv2 { get; }
    [ReLU] public partial Layer Activation2 { get; }
    [MaxPool2d(2)] public partial Layer Pool2 { get; }
    [Flatten] public partial Layer Features { get; }
    [Stochastic, Dense(128)] public partial Layer Hidden { get; }
    [ReLU] public partial Layer Activation3 { get; }
    [Stochastic, Dense(10)] public partial Layer Scores { get; }
}
