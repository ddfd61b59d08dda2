using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using Google.Protobuf;
using Ibex.Runtime.IO;
using Onnx;

namespace Ibex.Runtime.Export
{
    /// <summary>
    /// Writes a network's mean network (<see cref="InformationNetwork.ToMeanGraph"/>, pruned or not) as an ONNX model,
    /// opset 17, for ONNX Runtime and every other ONNX consumer. The messages are ONNX's own protobuf types (OnnxSharp).
    /// </summary>
    /// <remarks>
    /// Inputs are <c>[batch, …declared input shape]</c> float32, named <see cref="OnnxExportOptions.InputName"/>; the output is
    /// <c>[batch, classes]</c> class scores (logits). Metadata: <c>ibex.network</c>, <c>ibex.declaration_hash</c>, <c>ibex.beta</c>,
    /// <c>ibex.alpha_max</c>, and <c>ibex.training_set_size</c> when given. GELU, which opset 17 lacks, is written as
    /// 0.5·x·(1 + erf(x/√2)) and SiLU as x·sigmoid(x).
    /// </remarks>
    public static class OnnxExport
    {
        /// <summary>The ONNX operator set the exporter writes.</summary>
        public const int OpsetVersion = 17;

        /// <summary>The ONNX IR version that goes with opset 17.</summary>
        public const int IrVersion = 8;

        /// <summary>Writes <paramref name="graph"/> to <paramref name="path"/> atomically, with dense initializers.</summary>
        public static void Save(MeanGraph graph, string path) => Save(graph, path, new OnnxExportOptions());

        /// <summary>Writes <paramref name="graph"/> to <paramref name="path"/> atomically.</summary>
        public static void Save(MeanGraph graph, string path, OnnxExportOptions options)
            => AtomicFile.WriteAllBytes(path, ToModel(graph, options).ToByteArray());

        /// <summary>The ONNX model of <paramref name="graph"/>.</summary>
        public static ModelProto ToModel(MeanGraph graph, OnnxExportOptions options)
        {
            ArgumentNullException.ThrowIfNull(graph);
            ArgumentNullException.ThrowIfNull(options);
            if (options.Stochastic && graph.UnitsRemoved)
            {
                throw new InvalidOperationException(
                    "This graph was pruned with units removed, whose constant outputs were folded into the next layers' biases without their noise; "
                    + "export the stochastic network from a graph pruned with PruningOptions.RemoveUnits = false, or from network.ToMeanGraph().");
            }

            var writer = new GraphWriter(graph, options);
            var model = new ModelProto
            {
                IrVersion = IrVersion,
                ProducerName = "Ibex",
                ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "0.0.0",
                DocString = options.Stochastic
                    ? $"The stochastic network of {graph.Description.Name}: each run is one Monte-Carlo draw of its weight noise (local reparameterization), exported by Ibex."
                    : $"The mean network of {graph.Description.Name} (every ε = 1), exported by Ibex.",
                Graph = writer.Write(),
            };
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = OpsetVersion });
            var information = graph.Description.Information;
            AddMetadata(model, "ibex.network", graph.Description.Name);
            AddMetadata(model, "ibex.declaration_hash", graph.Description.DeclarationHash);
            AddMetadata(model, "ibex.beta", information.Beta.ToString("R", CultureInfo.InvariantCulture));
            AddMetadata(model, "ibex.alpha_max", information.AlphaMax.ToString("R", CultureInfo.InvariantCulture));
            AddMetadata(model, "ibex.network_kind", options.Stochastic ? "stochastic" : "mean");
            if (options.TrainingSetSize is { } size)
            {
                AddMetadata(model, "ibex.training_set_size", size.ToString(CultureInfo.InvariantCulture));
            }

            foreach (var (key, value) in options.Metadata ?? new Dictionary<string, string>())
            {
                AddMetadata(model, key, value);
            }

            return model;
        }

        private static void AddMetadata(ModelProto model, string key, string value)
            => model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });

        /// <summary>Turns the graph's operations into ONNX nodes and initializers, one layer at a time.</summary>
        private sealed class GraphWriter
        {
            private readonly MeanGraph graph;
            private readonly OnnxExportOptions options;
            private readonly GraphProto proto = new();

            public GraphWriter(MeanGraph graph, OnnxExportOptions options)
            {
                this.graph = graph;
                this.options = options;
            }

            public GraphProto Write()
            {
                proto.Name = graph.Description.Name;
                proto.Input.Add(Tensor(options.InputName, graph.Input.Shape));
                proto.Output.Add(Tensor(options.OutputName, graph.Output.Shape));
                foreach (var operation in graph.Operations)
                {
                    WriteOperation(operation);
                }

                // The output value gets the output's name through an Identity node: every value keeps one name.
                // "ibex/output": a node name no layer can take ('/' is in no C# identifier, and every other node is named after its layer).
                Node("Identity", "ibex/output", new[] { Name(graph.Output) }, options.OutputName);
                return proto;
            }

            private string Name(GraphValue value) => value.Id == graph.Input.Id ? options.InputName : value.Name;

            private void WriteOperation(GraphOperation operation)
            {
                string input = Name(operation.Input), output = Name(operation.Output), layer = operation.Layer;
                switch (operation)
                {
                    case LinearOperation linear:
                        var gemmInputs = new List<string> { input, Weight(layer + ".weight", linear.Weight) };
                        if (linear.Bias is { } bias)
                        {
                            gemmInputs.Add(Initializer(layer + ".bias", bias));
                        }

                        if (options.Stochastic && linear.NoiseVariance is { } linearVariance)
                        {
                            Node("Gemm", layer + ".mean", gemmInputs, output + ".mean", Int("transB", 1));
                            Node("Mul", layer + ".square", new[] { input, input }, output + ".square");
                            Node("Gemm", layer + ".variance", new[] { output + ".square", Weight(layer + ".noise_variance", linearVariance) }, output + ".variance", Int("transB", 1));
                            WriteSample(layer, output);
                        }
                        else
                        {
                            Node("Gemm", layer, gemmInputs, output, Int("transB", 1));
                        }

                        break;
                    case ConvolutionOperation conv:
                        var convInputs = new List<string> { input, Weight(layer + ".weight", conv.Weight) };
                        if (conv.Bias is { } convBias)
                        {
                            convInputs.Add(Initializer(layer + ".bias", convBias));
                        }

                        int kernel = conv.Weight.Shape[2];
                        AttributeProto[] ConvAttributes() => new[]
                        {
                            Ints("kernel_shape", kernel, kernel), Ints("strides", conv.Stride, conv.Stride),
                            Ints("pads", conv.Padding, conv.Padding, conv.Padding, conv.Padding),
                            Ints("dilations", conv.Dilation, conv.Dilation), Int("group", conv.Groups),
                        };
                        if (options.Stochastic && conv.NoiseVariance is { } convVariance)
                        {
                            Node("Conv", layer + ".mean", convInputs, output + ".mean", ConvAttributes());
                            Node("Mul", layer + ".square", new[] { input, input }, output + ".square");
                            Node("Conv", layer + ".variance", new[] { output + ".square", Weight(layer + ".noise_variance", convVariance) }, output + ".variance", ConvAttributes());
                            WriteSample(layer, output);
                        }
                        else
                        {
                            Node("Conv", layer, convInputs, output, ConvAttributes());
                        }

                        break;
                    case PoolOperation pool:
                        Node(pool.Kind == PoolKind.Max ? "MaxPool" : "AveragePool", layer, new[] { input }, output,
                            Ints("kernel_shape", pool.Kernel, pool.Kernel), Ints("strides", pool.Stride, pool.Stride));
                        break;
                    case GlobalAveragePoolOperation:
                        Node("GlobalAveragePool", layer, new[] { input }, output + ".pooled");
                        Node("Flatten", layer + ".flatten", new[] { output + ".pooled" }, output, Int("axis", 1));
                        break;
                    case FlattenOperation:
                        Node("Flatten", layer, new[] { input }, output, Int("axis", 1));
                        break;
                    case BatchNormOperation norm:
                        Node("BatchNormalization", layer,
                            new[] { input, Initializer(layer + ".weight", norm.Scale), Initializer(layer + ".bias", norm.Shift),
                                Initializer(layer + ".running_mean", norm.Mean), Initializer(layer + ".running_var", norm.Variance) },
                            output, Float("epsilon", norm.Epsilon));
                        break;
                    case LayerNormOperation norm:
                        Node("LayerNormalization", layer,
                            new[] { input, Initializer(layer + ".weight", norm.Scale), Initializer(layer + ".bias", norm.Shift) },
                            output, Int("axis", 1), Float("epsilon", norm.Epsilon));
                        break;
                    case ActivationOperation activation:
                        WriteActivation(activation, input, output);
                        break;
                    case AddOperation add:
                        string shortcut = Name(add.Shortcut);
                        if (add.Projection is { } projection)
                        {
                            string projected = output + ".shortcut";
                            if (projection.Shape.Length == 4)
                            {
                                Node("Conv", layer + ".projection", new[] { shortcut, Weight(layer + ".weight", projection) }, projected,
                                    Ints("kernel_shape", 1, 1), Ints("strides", add.ProjectionStride, add.ProjectionStride));
                            }
                            else
                            {
                                Node("Gemm", layer + ".projection", new[] { shortcut, Weight(layer + ".weight", projection) }, projected, Int("transB", 1));
                            }

                            shortcut = projected;
                        }

                        Node("Add", layer, new[] { input, shortcut }, output);
                        break;
                    default:
                        throw new NotSupportedException($"Layer '{operation.Layer}' ({operation.GetType().Name}) has no ONNX form in this exporter.");
                }
            }

            /// <summary>output = mean + √(variance + 10⁻⁸)·ξ, ξ ~ N(0, 1) per example and unit (Kingma et al. 2015), from the values {output}.mean and {output}.variance.</summary>
            private void WriteSample(string layer, string output)
            {
                Node("Add", layer + ".floor", new[] { output + ".variance", Scalar(layer + ".variance_floor", 1e-8f) }, output + ".floored");
                Node("Sqrt", layer + ".std", new[] { output + ".floored" }, output + ".std");
                Node("RandomNormalLike", layer + ".xi", new[] { output + ".mean" }, output + ".xi");
                Node("Mul", layer + ".noise", new[] { output + ".std", output + ".xi" }, output + ".noise");
                Node("Add", layer, new[] { output + ".mean", output + ".noise" }, output);
            }

            private void WriteActivation(ActivationOperation activation, string input, string output)
            {
                string layer = activation.Layer;
                switch (activation.Kind)
                {
                    case ActivationKind.ReLU:
                        Node("Relu", layer, new[] { input }, output);
                        break;
                    case ActivationKind.LeakyReLU:
                        Node("LeakyRelu", layer, new[] { input }, output, Float("alpha", activation.Parameter));
                        break;
                    case ActivationKind.ELU:
                        Node("Elu", layer, new[] { input }, output, Float("alpha", activation.Parameter));
                        break;
                    case ActivationKind.Softplus:
                        Node("Softplus", layer, new[] { input }, output);
                        break;
                    case ActivationKind.Tanh:
                        Node("Tanh", layer, new[] { input }, output);
                        break;
                    case ActivationKind.Sigmoid:
                        Node("Sigmoid", layer, new[] { input }, output);
                        break;
                    case ActivationKind.SiLU:
                        Node("Sigmoid", layer + ".gate", new[] { input }, output + ".gate");
                        Node("Mul", layer, new[] { input, output + ".gate" }, output);
                        break;
                    case ActivationKind.GELU:
                        // 0.5·x·(1 + erf(x/√2)): Gelu is an operator from opset 20 only.
                        string sqrt2 = Scalar(layer + ".sqrt2", (float)Math.Sqrt(2));
                        string one = Scalar(layer + ".one", 1f);
                        string half = Scalar(layer + ".half", 0.5f);
                        Node("Div", layer + ".scaled", new[] { input, sqrt2 }, output + ".scaled");
                        Node("Erf", layer + ".erf", new[] { output + ".scaled" }, output + ".erf");
                        Node("Add", layer + ".shift", new[] { output + ".erf", one }, output + ".shifted");
                        Node("Mul", layer + ".gate", new[] { input, output + ".shifted" }, output + ".gated");
                        Node("Mul", layer, new[] { output + ".gated", half }, output);
                        break;
                    default:
                        throw new NotSupportedException($"Activation {activation.Kind} of layer '{layer}' has no ONNX form in this exporter.");
                }
            }

            private void Node(string operatorType, string name, IEnumerable<string> inputs, string output, params AttributeProto[] attributes)
            {
                var node = new NodeProto { OpType = operatorType, Name = name };
                node.Input.AddRange(inputs);
                node.Output.Add(output);
                node.Attribute.AddRange(attributes);
                proto.Node.Add(node);
            }

            /// <summary>A weight matrix or filter bank: sparse when the options ask for it.</summary>
            private string Weight(string name, WeightArray weight)
            {
                if (options.Initializers == OnnxInitializers.Dense)
                {
                    return Initializer(name, weight);
                }

                var indices = new List<long>();
                var values = new List<float>();
                for (long i = 0; i < weight.Values.LongLength; i++)
                {
                    if (weight.Values[i] != 0)
                    {
                        indices.Add(i);
                        values.Add(weight.Values[i]);
                    }
                }

                var sparse = new SparseTensorProto
                {
                    Values = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = Bytes(values.ToArray()) },
                    Indices = new TensorProto { Name = name + ".indices", DataType = (int)TensorProto.Types.DataType.Int64, RawData = Bytes(indices.ToArray()) },
                };
                sparse.Values.Dims.Add(values.Count);
                sparse.Indices.Dims.Add(indices.Count);
                sparse.Dims.AddRange(weight.Shape.Select(d => (long)d));
                // A Constant node with a sparse_value gives operators the dense tensor they take (a sparse_initializer would
                // be typed sparse_tensor, which Conv and Gemm do not accept).
                Node("Constant", name + ".constant", Array.Empty<string>(), name,
                    new AttributeProto { Name = "sparse_value", Type = AttributeProto.Types.AttributeType.SparseTensor, SparseTensor = sparse });
                return name;
            }

            private string Initializer(string name, WeightArray weight)
            {
                var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = Bytes(weight.Values) };
                tensor.Dims.AddRange(weight.Shape.Select(d => (long)d));
                proto.Initializer.Add(tensor);
                return name;
            }

            private string Scalar(string name, float value)
            {
                proto.Initializer.Add(new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = Bytes(new[] { value }) });
                return name;
            }

            /// <summary>A float32 tensor value of shape [batch, …], the batch dimension symbolic.</summary>
            private static ValueInfoProto Tensor(string name, int[] shape)
            {
                var tensorShape = new TensorShapeProto();
                tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
                foreach (int d in shape)
                {
                    tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
                }

                return new ValueInfoProto
                {
                    Name = name,
                    Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape } },
                };
            }

            /// <summary>ONNX's raw_data is little-endian, as .NET's memory on every platform it runs Ibex on.</summary>
            private static ByteString Bytes<T>(T[] values)
                where T : struct
                => ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));

            private static AttributeProto Int(string name, long value)
                => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

            private static AttributeProto Float(string name, double value)
                => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

            private static AttributeProto Ints(string name, params long[] values)
            {
                var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
                attribute.Ints.AddRange(values);
                return attribute;
            }
        }
    }
}
