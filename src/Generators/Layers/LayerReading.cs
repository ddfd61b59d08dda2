using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Ibex.Generators.Diagnostics;
using Ibex.Generators.Model;
using Microsoft.CodeAnalysis;
using static Ibex.Generators.Emitting.CodeText;
using static Ibex.Generators.Parsing.AttributeReading;

namespace Ibex.Generators.Layers
{
    /// <summary>
    /// One layer attribute as a rule reads it: its arguments, the shape entering the layer, the layers before it, and the
    /// checks most kinds share. Every mistake is reported at the attribute.
    /// </summary>
    internal sealed class LayerReading
    {
        private readonly List<DiagnosticInfo> diagnostics;
        private readonly bool imageInputDeclared;

        public LayerReading(string name, AttributeData attribute, int[]? input, IReadOnlyList<LayerSpec> earlier, IReadOnlyList<string> declared, bool imageInputDeclared, List<DiagnosticInfo> diagnostics)
        {
            Name = name;
            Declared = declared;
            Attribute = attribute;
            Input = input;
            Earlier = earlier;
            At = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax());
            this.imageInputDeclared = imageInputDeclared;
            this.diagnostics = diagnostics;
        }

        /// <summary>The layer's property name.</summary>
        public string Name { get; }

        public AttributeData Attribute { get; }

        /// <summary>The shape entering the layer, or null when an earlier layer is in error.</summary>
        public int[]? Input { get; }

        /// <summary>The valid layers declared before this one, in order.</summary>
        public IReadOnlyList<LayerSpec> Earlier { get; }

        /// <summary>Every layer property's name in declaration order, this one and those in error included.</summary>
        public IReadOnlyList<string> Declared { get; }

        /// <summary>Where the attribute is written.</summary>
        public LocationInfo? At { get; }

        /// <summary>The constructor argument at <paramref name="index"/> when the attribute has exactly <paramref name="count"/> and it is a <typeparamref name="T"/>; otherwise the compiler reports it.</summary>
        public bool TryArgument<T>(int count, int index, out T value)
        {
            if (Attribute.ConstructorArguments.Length == count && Attribute.ConstructorArguments[index] is { Kind: not TypedConstantKind.Error, Value: T typed })
            {
                value = typed;
                return true;
            }

            value = default!;
            return false;
        }

        /// <summary>A named argument's value, or <paramref name="fallback"/> when it is not written.</summary>
        public T Named<T>(string argument, T fallback) => NamedArgument(Attribute, argument) is T value ? value : fallback;

        public void Report(DiagnosticDescriptor descriptor, params string[] arguments)
            => diagnostics.Add(DiagnosticInfo.Create(descriptor, At, arguments));

        /// <summary>IBX0105 for the argument <paramref name="argument"/> of this layer.</summary>
        public void InvalidArgument(string argument, string value, string why)
            => Report(DiagnosticDescriptors.InvalidLayerArgument, Name + "." + argument, value, why);

        /// <summary>A layer whose output has the shape of its input, once that is known.</summary>
        public LayerShape? SameShape(LayerSettings settings) => Input is null ? null : new LayerShape(settings, Input, Input);

        /// <summary>The input when it is an image; otherwise IBX0104 with the fix, and null.</summary>
        public int[]? RequireImage(string kind)
        {
            if (Input is null || Input.Length == 3)
            {
                return Input;
            }

            string fix = imageInputDeclared
                ? "it comes after a layer that flattened the image; move it before the Flatten or GlobalAvgPool layer"
                : "declare the input as an image, for example [Input(1, 28, 28)] (the data may stay flat: the network reshapes it)";
            Report(DiagnosticDescriptors.LayerNeedsImageInput, kind, Name, Shape(Input), fix);
            return null;
        }

        /// <summary>Checks a window's kernel, stride, padding and dilation, reporting each one out of range.</summary>
        public bool CheckWindow(int kernel, int stride, int padding, int dilation = 1)
        {
            bool valid = true;
            void Invalid(string argument, int value, string why)
            {
                InvalidArgument(argument, Format(value), why);
                valid = false;
            }

            if (kernel <= 0)
            {
                Invalid("Kernel", kernel, "the kernel side must be at least 1");
            }

            if (stride <= 0)
            {
                Invalid("Stride", stride, "the stride must be at least 1");
            }

            if (padding < 0)
            {
                Invalid("Padding", padding, "the padding must be 0 or more");
            }

            if (dilation <= 0)
            {
                Invalid("Dilation", dilation, "the spacing between kernel taps must be at least 1 (1 is an ordinary convolution)");
            }

            return valid;
        }

        /// <summary>
        /// Output height and width ⌊(H + 2p − d·(k − 1) − 1)/s⌋ + 1, as PyTorch's conv and pooling layers compute them; IBX0106
        /// when the window does not fit.
        /// </summary>
        public int[]? WindowOutput(string kind, int[] image, int channels, int kernel, int stride, int padding, int dilation = 1)
        {
            long span = (long)dilation * (kernel - 1) + 1;
            long height = Floor((long)image[1] + 2L * padding - span, stride) + 1;
            long width = Floor((long)image[2] + 2L * padding - span, stride) + 1;
            if (height < 1 || width < 1)
            {
                // The window is larger than the padded image, so no stride can help: only a smaller window or more padding can.
                string window = span == kernel ? $"its {Format(kernel)} × {Format(kernel)} window" : $"its window of {Format(kernel)} taps at dilation {Format(dilation)} spans {span} × {span} pixels, which";
                string fix = dilation > 1 ? "use a smaller dilation or kernel, or more padding" : "use a smaller kernel or more padding";
                Report(DiagnosticDescriptors.WindowDoesNotFit, kind, Name, dilation == 1 ? Format(kernel) : Format(kernel) + ", dilation " + Format(dilation), Format(stride), Format(padding),
                    Shape(image), $"{window} is larger than the padded input ({(long)image[1] + 2L * padding} × {(long)image[2] + 2L * padding}); {fix} (a stride cannot make it fit)");
                return null;
            }

            return new[] { channels, (int)height, (int)width };
        }

        private static long Floor(long numerator, long denominator) => numerator >= 0 ? numerator / denominator : -((-numerator + denominator - 1) / denominator);
    }
}
