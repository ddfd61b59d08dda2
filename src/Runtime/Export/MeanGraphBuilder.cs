using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using TorchSharp;

namespace Ibex.Runtime.Export
{
    /// <summary>
    /// Records a network's mean network as a <see cref="MeanGraph"/>, one call per layer, copying every parameter. Called by
    /// generated code (<see cref="IMeanGraphSource.WriteMeanGraph"/>); use <see cref="MeanGraph.Of"/> instead.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public sealed class MeanGraphBuilder
    {
        private readonly NetworkDescription description;
        private readonly List<GraphOperation> operations = new();
        private readonly GraphValue input;
        private int nextId;
        private GraphValue? output;

        internal MeanGraphBuilder(NetworkDescription description)
        {
            this.description = description;
            input = NewValue(description.InputShape.ToArray());
        }

        /// <summary>The network's input, shaped as declared.</summary>
        public MeanGraphValue Input() => new(input);

        /// <summary>The network's output: the class scores.</summary>
        public void Output(MeanGraphValue scores) => output = scores.Value;

        /// <summary>Records x·Wᵀ + b.</summary>
        public MeanGraphValue Dense(string layer, MeanGraphValue x, torch.Tensor weight, torch.Tensor? bias, int[] outputShape)
            => Add(new LinearOperation(layer, x.Value, NewValue(outputShape), Copy(weight), CopyOrNull(bias)));

        /// <summary>Records A 2-D convolution with square kernels.</summary>
        public MeanGraphValue Conv2d(string layer, MeanGraphValue x, torch.Tensor weight, torch.Tensor? bias, int stride, int padding, int dilation, int groups, int[] outputShape)
            => Add(new ConvolutionOperation(layer, x.Value, NewValue(outputShape), Copy(weight), CopyOrNull(bias), stride, padding, dilation, groups));

        /// <summary>Records Max pooling over square windows.</summary>
        public MeanGraphValue MaxPool2d(string layer, MeanGraphValue x, int kernel, int stride, int[] outputShape)
            => Add(new PoolOperation(layer, x.Value, NewValue(outputShape), PoolKind.Max, kernel, stride));

        /// <summary>Records Average pooling over square windows.</summary>
        public MeanGraphValue AvgPool2d(string layer, MeanGraphValue x, int kernel, int stride, int[] outputShape)
            => Add(new PoolOperation(layer, x.Value, NewValue(outputShape), PoolKind.Average, kernel, stride));

        /// <summary>Records Every channel's mean over its height and width.</summary>
        public MeanGraphValue GlobalAvgPool(string layer, MeanGraphValue x, int[] outputShape)
            => Add(new GlobalAveragePoolOperation(layer, x.Value, NewValue(outputShape)));

        /// <summary>Records An image flattened to its C·H·W features (nothing for a flat input).</summary>
        public MeanGraphValue Flatten(string layer, MeanGraphValue x, int[] outputShape)
            => x.Value.Shape.Length == 1 ? x : Add(new FlattenOperation(layer, x.Value, NewValue(outputShape)));

        /// <summary>Records Batch normalization with the running statistics.</summary>
        public MeanGraphValue BatchNorm(string layer, MeanGraphValue x, torch.Tensor scale, torch.Tensor shift, torch.Tensor runningMean, torch.Tensor runningVariance, double epsilon)
            => Add(new BatchNormOperation(layer, x.Value, NewValue(x.Value.Shape), Copy(scale), Copy(shift), Copy(runningMean), Copy(runningVariance), epsilon));

        /// <summary>Records Layer normalization over each example's whole shape.</summary>
        public MeanGraphValue LayerNorm(string layer, MeanGraphValue x, torch.Tensor scale, torch.Tensor shift, double epsilon)
            => Add(new LayerNormOperation(layer, x.Value, NewValue(x.Value.Shape), Copy(scale), Copy(shift), epsilon));

        /// <summary>Records max(0, x).</summary>
        public MeanGraphValue ReLU(string layer, MeanGraphValue x) => Activation(layer, x, new ReLUFunction());

        /// <summary>Records x for x ≥ 0, slope·x otherwise.</summary>
        public MeanGraphValue LeakyReLU(string layer, MeanGraphValue x, double slope) => Activation(layer, x, new LeakyReLUFunction(slope));

        /// <summary>Records x for x &gt; 0, α·(eˣ − 1) otherwise.</summary>
        public MeanGraphValue ELU(string layer, MeanGraphValue x, double alpha) => Activation(layer, x, new ELUFunction(alpha));

        /// <summary>Records x·Φ(x).</summary>
        public MeanGraphValue GELU(string layer, MeanGraphValue x) => Activation(layer, x, new GELUFunction());

        /// <summary>Records x·sigmoid(x).</summary>
        public MeanGraphValue SiLU(string layer, MeanGraphValue x) => Activation(layer, x, new SiLUFunction());

        /// <summary>Records log(1 + eˣ).</summary>
        public MeanGraphValue Softplus(string layer, MeanGraphValue x) => Activation(layer, x, new SoftplusFunction());

        /// <summary>Records tanh(x).</summary>
        public MeanGraphValue Tanh(string layer, MeanGraphValue x) => Activation(layer, x, new TanhFunction());

        /// <summary>Records 1 / (1 + e⁻ˣ).</summary>
        public MeanGraphValue Sigmoid(string layer, MeanGraphValue x) => Activation(layer, x, new SigmoidFunction());

        /// <summary>x + shortcut.</summary>
        public MeanGraphValue Residual(string layer, MeanGraphValue x, MeanGraphValue shortcut)
            => Add(new AddOperation(layer, x.Value, NewValue(x.Value.Shape), shortcut.Value, null, 0));

        /// <summary>x + (shortcut mapped by <paramref name="projection"/>, with <paramref name="stride"/> for images).</summary>
        public MeanGraphValue ProjectedResidual(string layer, MeanGraphValue x, MeanGraphValue shortcut, torch.Tensor projection, int stride)
            => Add(new AddOperation(layer, x.Value, NewValue(x.Value.Shape), shortcut.Value, Copy(projection), stride));

        /// <summary>
        /// Records an operation that a graph operation's own file describes (a kind with no method here): <paramref name="create"/>
        /// gets the input and a new output of <paramref name="outputShape"/> (the input's shape when null).
        /// </summary>
        internal MeanGraphValue Record(MeanGraphValue x, int[]? outputShape, Func<GraphValue, GraphValue, GraphOperation> create)
            => Add(create(x.Value, NewValue(outputShape ?? x.Value.Shape)));

        internal MeanGraph Build()
            => new(description, input, operations.ToArray(), output ?? throw new InvalidOperationException("The generated WriteMeanGraph did not name the network's output."));

        private MeanGraphValue Activation(string layer, MeanGraphValue x, ActivationFunction function)
            => Add(new ActivationOperation(layer, x.Value, NewValue(x.Value.Shape), function));

        private MeanGraphValue Add(GraphOperation operation)
        {
            operations.Add(operation);
            return new MeanGraphValue(operation.Output);
        }

        private GraphValue NewValue(int[] shape) => new(nextId++, (int[])shape.Clone());

        /// <summary>A copy of <paramref name="tensor"/>'s values as float32 on the CPU.</summary>
        internal static WeightArray Copy(torch.Tensor tensor)
        {
            using var scope = torch.NewDisposeScope();
            var values = tensor.detach().to(torch.CPU).to_type(torch.float32).contiguous().data<float>().ToArray();
            return new WeightArray(values, tensor.shape.Select(d => (int)d).ToArray());
        }

        private static WeightArray? CopyOrNull(torch.Tensor? tensor) => tensor is null ? null : Copy(tensor);
    }

    /// <summary>A point in a <see cref="MeanGraph"/> being built; generated code passes it from one layer to the next.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public readonly struct MeanGraphValue
    {
        internal MeanGraphValue(GraphValue value) => Value = value;

        internal GraphValue Value { get; }
    }
}
