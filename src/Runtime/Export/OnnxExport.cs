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
    /// Writes a network's mean network (<see cref="MeanGraph.Of"/>, pruned or not) as an ONNX model,
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

        /// <summary>
        /// The protobuf side of <see cref="OnnxLowering"/>: each operation lowers itself into it, one layer at a time, and it
        /// turns what it is given into ONNX's messages.
        /// </summary>
        private sealed class GraphWriter : OnnxLowering
        {
            private readonly MeanGraph graph;
            private readonly OnnxExportOptions options;
            private readonly GraphProto proto = new();

            public GraphWriter(MeanGraph graph, OnnxExportOptions options)
            {
                this.graph = graph;
                this.options = options;
            }

            public override bool Stochastic => options.Stochastic;

            public GraphProto Write()
            {
                proto.Name = graph.Description.Name;
                proto.Input.Add(Tensor(options.InputName, graph.Input.Shape));
                proto.Output.Add(Tensor(options.OutputName, graph.Output.Shape));
                foreach (var operation in graph.Operations)
                {
                    operation.Lower(this);
                }

                // The output value gets the output's name through an Identity node: every value keeps one name.
                // "ibex/output": a node name no layer can take ('/' is in no C# identifier, and every other node is named after its layer).
                Node("Identity", "ibex/output", new[] { Name(graph.Output) }, options.OutputName);
                return proto;
            }

            public override string Name(GraphValue value) => value.Id == graph.Input.Id ? options.InputName : value.Name;

            public override void Node(string operatorType, string name, IEnumerable<string> inputs, string output, params OnnxAttribute[] attributes)
                => Node(operatorType, name, inputs, output, attributes.Select(Attribute).ToArray());

            private void Node(string operatorType, string name, IEnumerable<string> inputs, string output, params AttributeProto[] attributes)
            {
                var node = new NodeProto { OpType = operatorType, Name = name };
                node.Input.AddRange(inputs);
                node.Output.Add(output);
                node.Attribute.AddRange(attributes);
                proto.Node.Add(node);
            }

            private static AttributeProto Attribute(OnnxAttribute attribute) => attribute switch
            {
                IntAttribute i => new AttributeProto { Name = i.Name, Type = AttributeProto.Types.AttributeType.Int, I = i.Value },
                FloatAttribute f => new AttributeProto { Name = f.Name, Type = AttributeProto.Types.AttributeType.Float, F = (float)f.Value },
                IntsAttribute list => Ints(list.Name, list.Values),
                _ => throw new NotSupportedException($"ONNX attribute '{attribute.Name}' is of a kind this writer does not know ({attribute.GetType().Name})."),
            };

            /// <summary>A weight matrix or filter bank: sparse when the options ask for it.</summary>
            public override string Weight(string name, WeightArray weight)
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

            public override string Initializer(string name, WeightArray weight)
            {
                var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = Bytes(weight.Values) };
                tensor.Dims.AddRange(weight.Shape.Select(d => (long)d));
                proto.Initializer.Add(tensor);
                return name;
            }

            public override string Scalar(string name, float value)
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

            private static AttributeProto Ints(string name, params long[] values)
            {
                var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
                attribute.Ints.AddRange(values);
                return attribute;
            }
        }
    }
}
