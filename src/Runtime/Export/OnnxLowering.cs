using System.Collections.Generic;

namespace Ibex.Runtime.Export
{
    /// <summary>
    /// What a graph operation lowers itself into: ONNX nodes and initializers by name, with no protobuf types, so that each
    /// operation owns its ONNX form (<see cref="GraphOperation.Lower"/>) and <see cref="OnnxExport"/> only walks the graph
    /// and writes what it is given.
    /// </summary>
    internal abstract class OnnxLowering
    {
        /// <summary>Whether stochastic weight layers are written with their noise (one Monte-Carlo draw per run).</summary>
        public abstract bool Stochastic { get; }

        /// <summary>The ONNX name of a graph value (the graph's input gets the input's name).</summary>
        public abstract string Name(GraphValue value);

        /// <summary>Adds a node of <paramref name="operatorType"/> named <paramref name="name"/>.</summary>
        public abstract void Node(string operatorType, string name, IEnumerable<string> inputs, string output, params OnnxAttribute[] attributes);

        /// <summary>A weight matrix or filter bank (sparse when the export asks for it); returns the name to read it by.</summary>
        public abstract string Weight(string name, WeightArray weight);

        /// <summary>A dense initializer; returns its name.</summary>
        public abstract string Initializer(string name, WeightArray values);

        /// <summary>A scalar initializer; returns its name.</summary>
        public abstract string Scalar(string name, float value);

        /// <summary>
        /// <c>output = mean + √(variance + 10⁻⁸)·ξ</c>, ξ ~ N(0, 1) per example and unit (Kingma et al. 2015), from the
        /// values <c>{output}.mean</c> and <c>{output}.variance</c>: the local reparameterization of a stochastic weight layer.
        /// </summary>
        public void Sample(string layer, string output)
        {
            Node("Add", layer + ".floor", new[] { output + ".variance", Scalar(layer + ".variance_floor", 1e-8f) }, output + ".floored");
            Node("Sqrt", layer + ".std", new[] { output + ".floored" }, output + ".std");
            Node("RandomNormalLike", layer + ".xi", new[] { output + ".mean" }, output + ".xi");
            Node("Mul", layer + ".noise", new[] { output + ".std", output + ".xi" }, output + ".noise");
            Node("Add", layer, new[] { output + ".mean", output + ".noise" }, output);
        }
    }

    /// <summary>An ONNX node attribute: an integer, a float, or a list of integers.</summary>
    internal abstract record OnnxAttribute(string Name)
    {
        public static OnnxAttribute Int(string name, long value) => new IntAttribute(name, value);

        public static OnnxAttribute Float(string name, double value) => new FloatAttribute(name, value);

        public static OnnxAttribute Ints(string name, params long[] values) => new IntsAttribute(name, values);
    }

    internal sealed record IntAttribute(string Name, long Value) : OnnxAttribute(Name);

    internal sealed record FloatAttribute(string Name, double Value) : OnnxAttribute(Name);

    internal sealed record IntsAttribute(string Name, long[] Values) : OnnxAttribute(Name);
}
