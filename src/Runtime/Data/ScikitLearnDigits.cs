using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    /// <summary>
    /// scikit-learn's 1,797 handwritten digits (8 × 8 pixels in 0 … 16, UCI's optical digits), read from the file Debian's
    /// python3-sklearn ships (nothing of Python runs), scaled to [0, 1] and resized bilinearly to a square image: a common
    /// out-of-distribution set for Fashion-MNIST at 28 × 28.
    /// </summary>
    public static class ScikitLearnDigits
    {
        /// <summary>Where Debian's python3-sklearn puts the file.</summary>
        public const string DefaultPath = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz";

        /// <summary>The digits as [1, size, size] images, flat, and their labels 0 … 9.</summary>
        /// <exception cref="DatasetException">The file is missing or a line is not 64 pixels and a label.</exception>
        public static LabeledData Load(string path = DefaultPath, int size = 28)
        {
            if (!File.Exists(path))
            {
                throw new DatasetException(path, "the file does not exist; install Debian's python3-sklearn (scripts/setup.sh does), which ships it.");
            }

            ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
            using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
            var pixels = new List<float>();
            var labels = new List<long>();
            string? line;
            int row = 0;
            while ((line = reader.ReadLine()) is not null)
            {
                row++;
                if (line.Length == 0)
                {
                    continue;
                }

                var fields = line.Split(',');
                if (fields.Length != 65)
                {
                    throw new DatasetException(path, $"line {row} has {fields.Length} fields; a digit is 64 pixels and its label.");
                }

                pixels.AddRange(fields.Take(64).Select(f => float.Parse(f, CultureInfo.InvariantCulture) / 16f));
                labels.Add(long.Parse(fields[64], CultureInfo.InvariantCulture));
            }

            int count = labels.Count;
            using var small = torch.tensor(pixels.ToArray(), new long[] { count, 1, 8, 8 });
            using var large = torch.nn.functional.interpolate(small, new long[] { size, size }, mode: torch.InterpolationMode.Bilinear, align_corners: false);
            return new LabeledData(large.reshape(count, (long)size * size).clamp(0, 1), torch.tensor(labels.ToArray())) { ExampleShape = new long[] { 1, size, size } };
        }
    }
}
