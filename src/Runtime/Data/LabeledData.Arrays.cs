using System;
using System.Linq;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    public sealed partial class LabeledData
    {
        /// <summary>
        /// Examples from one flat array, example after example (an image channel by channel, then row by row), and their
        /// labels; the number of features is <c>features.Length / labels.Length</c>. The arrays are copied.
        /// </summary>
        public static LabeledData FromArray(ReadOnlySpan<float> features, ReadOnlySpan<int> labels)
            => FromArray(features, LongLabels(labels));

        /// <inheritdoc cref="FromArray(ReadOnlySpan{float}, ReadOnlySpan{int})"/>
        public static LabeledData FromArray(ReadOnlySpan<float> features, ReadOnlySpan<long> labels)
        {
            long perExample = FeaturesPerExample(features.Length, labels.Length);
            return new LabeledData(torch.tensor(features.ToArray(), new[] { labels.Length, perExample }), torch.tensor(labels.ToArray()));
        }

        /// <summary>Examples from one array per example (all of one length) and their labels. The arrays are copied.</summary>
        public static LabeledData FromRows(float[][] features, ReadOnlySpan<int> labels) => FromRows(features, LongLabels(labels));

        /// <inheritdoc cref="FromRows(float[][], ReadOnlySpan{int})"/>
        public static LabeledData FromRows(float[][] features, ReadOnlySpan<long> labels)
        {
            ArgumentNullException.ThrowIfNull(features);
            CheckCount(features.Length, labels.Length);
            int perExample = features.Length == 0 ? 0 : features[0]?.Length ?? 0;
            var values = new float[(long)features.Length * perExample];
            for (int row = 0; row < features.Length; row++)
            {
                if (features[row] is null || features[row].Length != perExample)
                {
                    throw new ArgumentException($"Example {row} has {features[row]?.Length ?? 0} features, but example 0 has {perExample}; every example needs as many.", nameof(features));
                }

                features[row].CopyTo(values, (long)row * perExample);
            }

            return new LabeledData(torch.tensor(values, new[] { (long)features.Length, perExample }), torch.tensor(labels.ToArray()));
        }

        /// <summary>Examples from a matrix, one row per example, and their labels. The matrix is copied.</summary>
        public static LabeledData FromMatrix(float[,] features, ReadOnlySpan<int> labels)
        {
            ArgumentNullException.ThrowIfNull(features);
            CheckCount(features.GetLength(0), labels.Length);
            var values = new float[features.Length];
            Buffer.BlockCopy(features, 0, values, 0, features.Length * sizeof(float));
            return new LabeledData(torch.tensor(values, new[] { (long)features.GetLength(0), features.GetLength(1) }), torch.tensor(LongLabels(labels)));
        }

        /// <summary>
        /// 8-bit images from one flat array, image after image (channel by channel, then row by row), scaled to [0, 1] as
        /// <c>value / 255</c>, and their labels. The array is copied.
        /// </summary>
        public static LabeledData FromImages(ReadOnlySpan<byte> pixels, ReadOnlySpan<int> labels)
        {
            long perExample = FeaturesPerExample(pixels.Length, labels.Length);
            using var bytes = torch.tensor(pixels.ToArray(), new[] { labels.Length, perExample });
            return new LabeledData(bytes.to_type(torch.float32).div_(255f), torch.tensor(LongLabels(labels)));
        }

        private static long FeaturesPerExample(int values, int examples)
        {
            if (examples == 0 || values == 0 || values % examples != 0)
            {
                throw new ArgumentException(
                    $"{values} feature values do not divide into {examples} examples; give the features of every example, one example after another.", "features");
            }

            return values / examples;
        }

        private static void CheckCount(int examples, int labels)
        {
            if (examples != labels || examples == 0)
            {
                throw new ArgumentException($"{examples} examples and {labels} labels: give one label per example, and at least one example.", nameof(labels));
            }
        }

        private static long[] LongLabels(ReadOnlySpan<int> labels)
        {
            var result = new long[labels.Length];
            for (int i = 0; i < labels.Length; i++)
            {
                result[i] = labels[i];
            }

            return result;
        }
    }
}
