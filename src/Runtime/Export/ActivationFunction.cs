using System;

namespace Ibex.Runtime.Export
{
    /// <summary>
    /// An element-wise function of the mean graph: its value at a point (to carry a removed unit's constant output) and its
    /// ONNX form at opset 17. One record per function, so that a new activation is one type here and one builder method.
    /// </summary>
    internal abstract record ActivationFunction
    {
        /// <summary>f(x) at one point.</summary>
        public abstract double Apply(double x);

        /// <summary>Writes f from the value <paramref name="input"/> to <paramref name="output"/>; the last node is named <paramref name="layer"/>.</summary>
        public abstract void Lower(OnnxLowering onnx, string layer, string input, string output);

        /// <summary>A function that is one ONNX operator.</summary>
        protected static void Single(OnnxLowering onnx, string operatorType, string layer, string input, string output, params OnnxAttribute[] attributes)
            => onnx.Node(operatorType, layer, new[] { input }, output, attributes);
    }

    /// <summary>max(0, x).</summary>
    internal sealed record ReLUFunction : ActivationFunction
    {
        public override double Apply(double x) => Math.Max(0, x);

        public override void Lower(OnnxLowering onnx, string layer, string input, string output) => Single(onnx, "Relu", layer, input, output);
    }

    /// <summary>x for x ≥ 0, slope·x otherwise (Maas et al. 2013).</summary>
    internal sealed record LeakyReLUFunction(double Slope) : ActivationFunction
    {
        public override double Apply(double x) => x >= 0 ? x : Slope * x;

        public override void Lower(OnnxLowering onnx, string layer, string input, string output)
            => Single(onnx, "LeakyRelu", layer, input, output, OnnxAttribute.Float("alpha", Slope));
    }

    /// <summary>x for x &gt; 0, α·(eˣ − 1) otherwise (Clevert et al. 2016).</summary>
    internal sealed record ELUFunction(double Alpha) : ActivationFunction
    {
        public override double Apply(double x) => x > 0 ? x : Alpha * (Math.Exp(x) - 1);

        public override void Lower(OnnxLowering onnx, string layer, string input, string output)
            => Single(onnx, "Elu", layer, input, output, OnnxAttribute.Float("alpha", Alpha));
    }

    /// <summary>0.5·x·(1 + erf(x/√2)) (Hendrycks &amp; Gimpel 2016); written as that formula, since ONNX's Gelu is opset 20.</summary>
    internal sealed record GELUFunction : ActivationFunction
    {
        public override double Apply(double x) => 0.5 * x * (1 + Erf(x / Math.Sqrt(2)));

        public override void Lower(OnnxLowering onnx, string layer, string input, string output)
        {
            string sqrt2 = onnx.Scalar(layer + ".sqrt2", (float)Math.Sqrt(2));
            string one = onnx.Scalar(layer + ".one", 1f);
            string half = onnx.Scalar(layer + ".half", 0.5f);
            onnx.Node("Div", layer + ".scaled", new[] { input, sqrt2 }, output + ".scaled");
            onnx.Node("Erf", layer + ".erf", new[] { output + ".scaled" }, output + ".erf");
            onnx.Node("Add", layer + ".shift", new[] { output + ".erf", one }, output + ".shifted");
            onnx.Node("Mul", layer + ".gate", new[] { input, output + ".shifted" }, output + ".gated");
            onnx.Node("Mul", layer, new[] { output + ".gated", half }, output);
        }

        /// <summary>erf(x): its Maclaurin series below |x| = 2.5, 1 − erfc(|x|) from erfc's continued fraction above (both to double precision).</summary>
        private static double Erf(double x)
        {
            double ax = Math.Abs(x);
            if (ax < 2.5)
            {
                double sum = x, term = x, x2 = x * x;
                for (int n = 1; n < 200 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
                {
                    term *= -x2 / n;
                    sum += term / (2 * n + 1);
                }

                return 2 / Math.Sqrt(Math.PI) * sum;
            }

            double fraction = 0;
            for (int n = 60; n >= 1; n--)
            {
                fraction = n / 2.0 / (ax + fraction);
            }

            double erfc = Math.Exp(-ax * ax) / Math.Sqrt(Math.PI) / (ax + fraction);
            return Math.Sign(x) * (1 - erfc);
        }
    }

    /// <summary>x·sigmoid(x) (Elfwing et al. 2018), as Sigmoid then Mul.</summary>
    internal sealed record SiLUFunction : ActivationFunction
    {
        public override double Apply(double x) => x / (1 + Math.Exp(-x));

        public override void Lower(OnnxLowering onnx, string layer, string input, string output)
        {
            onnx.Node("Sigmoid", layer + ".gate", new[] { input }, output + ".gate");
            onnx.Node("Mul", layer, new[] { input, output + ".gate" }, output);
        }
    }

    /// <summary>log(1 + eˣ).</summary>
    internal sealed record SoftplusFunction : ActivationFunction
    {
        public override double Apply(double x) => x > 20 ? x : Math.Log(1 + Math.Exp(x));

        public override void Lower(OnnxLowering onnx, string layer, string input, string output) => Single(onnx, "Softplus", layer, input, output);
    }

    /// <summary>tanh(x).</summary>
    internal sealed record TanhFunction : ActivationFunction
    {
        public override double Apply(double x) => Math.Tanh(x);

        public override void Lower(OnnxLowering onnx, string layer, string input, string output) => Single(onnx, "Tanh", layer, input, output);
    }

    /// <summary>1/(1 + e⁻ˣ).</summary>
    internal sealed record SigmoidFunction : ActivationFunction
    {
        public override double Apply(double x) => 1 / (1 + Math.Exp(-x));

        public override void Lower(OnnxLowering onnx, string layer, string input, string output) => Single(onnx, "Sigmoid", layer, input, output);
    }
}
