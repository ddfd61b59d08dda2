using System;
using System.Collections.Generic;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    /// <summary>
    /// Examples and their labels as tensors: features float32 [N, F], one flat row per example (an image [C, H, W]
    /// flattened channel by channel, then row by row); labels either class indices int64 [N] (a classifier's), or target
    /// values float32 [N, T] (a regression network's real numbers, a multi-label network's 0s and 1s).
    /// <see cref="Validate"/> checks them against a network; the <c>From…</c> methods build them from arrays.
    /// </summary>
    public sealed partial class LabeledData : IDisposable
    {
        /// <summary>
        /// Wraps <paramref name="features"/> ([N, F] flat, or [N, C, H, W] and any other [N, …], kept as [N, F]) and
        /// <paramref name="labels"/>: class indices [N] of any integer type, or targets of a floating-point type, [N] (one
        /// target) or [N, T], or of any type [N, T]; this object then owns both. float64 features and targets are converted
        /// to float32, integer class indices to int64 (the originals are disposed).
        /// </summary>
        public LabeledData(torch.Tensor features, torch.Tensor labels)
        {
            ArgumentNullException.ThrowIfNull(features);
            ArgumentNullException.ThrowIfNull(labels);
            bool floating = labels.dtype is torch.ScalarType.Float32 or torch.ScalarType.Float64 or torch.ScalarType.Float16 or torch.ScalarType.BFloat16;
            bool targets = floating || labels.shape.Length == 2;
            if (features.shape.Length == 0 || labels.shape.Length is not (1 or 2) || features.shape[0] != labels.shape[0])
            {
                throw new ArgumentException(
                    $"Features [{string.Join(", ", features.shape)}] and labels [{string.Join(", ", labels.shape)}] do not match: " +
                    "labels must have one entry per example, [N] class indices or targets [N] or [N, T].");
            }

            if (features.dtype is not (torch.ScalarType.Float32 or torch.ScalarType.Float64))
            {
                throw new ArgumentException($"Features must be float32 or float64 (float64 is converted); got {features.dtype}.", nameof(features));
            }

            if (!targets && labels.dtype is not (torch.ScalarType.Int64 or torch.ScalarType.Int32 or torch.ScalarType.Int16 or torch.ScalarType.Int8 or torch.ScalarType.Byte))
            {
                throw new ArgumentException($"Labels must be integers (class indices 0 … K−1) or floating-point targets; got {labels.dtype}.", nameof(labels));
            }

            ExampleShape = features.shape.Length == 1 ? new[] { 1L } : features.shape[1..];
            var flat = features.shape.Length == 2 ? features : features.reshape(features.shape[0], -1);
            Features = flat.dtype == torch.float32 ? flat : flat.to_type(torch.float32);
            if (!ReferenceEquals(Features, features))
            {
                features.Dispose();
            }

            var shaped = targets && labels.shape.Length == 1 ? labels.unsqueeze(1) : labels;
            var wanted = targets ? torch.float32 : torch.int64;
            Labels = shaped.dtype == wanted ? shaped : shaped.to_type(wanted);
            if (!ReferenceEquals(Labels, labels))
            {
                labels.Dispose();
            }
        }

        /// <summary>The shape of one example as it was given: [F] when flat, [C, H, W] for images given so.</summary>
        public IReadOnlyList<long> ExampleShape { get; internal init; }

        /// <summary>
        /// The statistics these features were standardized with (<see cref="Standardization.Apply"/> sets it), or null for
        /// raw features. The trainer hands it to the network, which then standardizes the raw examples it predicts.
        /// </summary>
        public InputStandardization? StandardizedWith { get; init; }

        /// <summary>The name of each class in label order (<see cref="ImageFolder"/> sets it), or null.</summary>
        public IReadOnlyList<string>? ClassNames { get; init; }

        /// <summary>The file the examples were read from, row by row (CSV): checks then name the file, the row and the column.</summary>
        internal FileRows? Origin { get; init; }

        /// <summary>The examples, one per row.</summary>
        public torch.Tensor Features { get; }

        /// <summary>The class of each example, 0 … K−1, int64 [N]; or the target values of each example, float32 [N, T].</summary>
        public torch.Tensor Labels { get; }

        /// <summary>The number of target values per example, T, for real-valued or 0/1 targets; 0 for class indices.</summary>
        public int TargetCount => Labels.shape.Length == 2 ? (int)Labels.shape[1] : 0;

        /// <summary>
        /// The statistics these targets were standardized with (<see cref="TargetStandardizer.Apply"/> sets it), or null for
        /// raw targets. The trainer hands it to the network, whose predictions are then in the targets' own units.
        /// </summary>
        public TargetStandardization? TargetsStandardizedWith { get; init; }

        /// <summary>The number of examples, N.</summary>
        public long Count => Labels.shape[0];

        /// <summary>The class of each example as an array, for scores that take plain lists (<c>Ibex.Runtime.Evaluation</c>).</summary>
        /// <exception cref="InvalidOperationException">The data has targets, not class indices.</exception>
        public int[] ClassIndices()
        {
            if (TargetCount > 0)
            {
                throw new InvalidOperationException("The data has real-valued targets, not class indices.");
            }

            using var cpu = Labels.cpu();
            return Array.ConvertAll(cpu.data<long>().ToArray(), label => (int)label);
        }

        /// <summary>
        /// The targets in their own units, example after example and target after target (N·T values): standardized targets
        /// are mapped back with <see cref="TargetsStandardizedWith"/>.
        /// </summary>
        /// <exception cref="InvalidOperationException">The data has class indices, not targets.</exception>
        public double[] TargetValues()
        {
            if (TargetCount == 0)
            {
                throw new InvalidOperationException("The data has class indices, not real-valued targets.");
            }

            using var cpu = Labels.to(torch.float64, torch.CPU).contiguous();
            double[] values = cpu.data<double>().ToArray();
            if (TargetsStandardizedWith is { } statistics)
            {
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = statistics.Unstandardize(i % TargetCount, values[i]);
                }
            }

            return values;
        }

        /// <summary>
        /// A multi-label network's labels, one row per example with whether each label is present (target 1): what
        /// <c>Evaluation.MultiLabelEvaluation.Evaluate</c> takes.
        /// </summary>
        /// <exception cref="InvalidOperationException">The data has class indices, not targets.</exception>
        public IReadOnlyList<bool>[] PresentLabels()
        {
            double[] values = TargetValues();
            int count = TargetCount;
            var rows = new IReadOnlyList<bool>[values.Length / count];
            for (int i = 0; i < rows.Length; i++)
            {
                var row = new bool[count];
                for (int j = 0; j < count; j++)
                {
                    row[j] = values[(long)i * count + j] == 1;
                }

                rows[i] = row;
            }

            return rows;
        }

        /// <summary>The first <paramref name="count"/> examples, as a new object (copies).</summary>
        public LabeledData Take(long count) => Slice(0, count);

        /// <summary>Examples <paramref name="start"/> … start + count − 1, as a new object (copies).</summary>
        public LabeledData Slice(long start, long count)
        {
            CheckRange(start, count);

            // Row numbers of the file stay right only for a slice from the first example.
            return WithFeaturesAndLabels(Features.narrow(0, start, count).clone(), Labels.narrow(0, start, count).clone(), keepOrigin: start == 0);
        }

        /// <summary>
        /// Examples <paramref name="start"/> … start + count − 1 without copying: the new object's tensors are views of this
        /// data's, so neither may be written to while the other is in use; disposing either leaves the other's examples alive.
        /// </summary>
        internal LabeledData View(long start, long count)
        {
            CheckRange(start, count);
            return WithFeaturesAndLabels(Features.narrow(0, start, count), Labels.narrow(0, start, count), keepOrigin: start == 0);
        }

        private void CheckRange(long start, long count)
        {
            if (start < 0 || count <= 0 || start + count > Count)
            {
                throw new ArgumentOutOfRangeException(nameof(count), $"Cannot take examples {start} to {start + count - 1} of {Count}.");
            }
        }

        /// <summary>
        /// New data of these features and labels (the new object owns them) that keeps this data's example shape,
        /// standardizations and class names, and its file rows when <paramref name="keepOrigin"/> (the same examples in the same order).
        /// </summary>
        internal LabeledData WithFeaturesAndLabels(torch.Tensor features, torch.Tensor labels, bool keepOrigin = true)
            => new(features, labels) { ExampleShape = ExampleShape, StandardizedWith = StandardizedWith, TargetsStandardizedWith = TargetsStandardizedWith, ClassNames = ClassNames, Origin = keepOrigin ? Origin : null };

        /// <inheritdoc/>
        public void Dispose()
        {
            Features.Dispose();
            Labels.Dispose();
        }
    }
}
