using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    /// <summary>
    /// Reads labelled images from a folder with one sub-folder per class (SixLabors.ImageSharp): the classes are the
    /// sub-folders in ordinal order of their names (label 0 the first), the images every <c>.png</c>, <c>.jpg</c> and
    /// <c>.jpeg</c> file in them. Each image is converted to the declared channels (1: luminance; 3: RGB), resized to the
    /// declared height × width when it differs, and scaled to [0, 1] as <c>value / 255</c>, channel by channel.
    /// </summary>
    public static class ImageFolder
    {
        private static readonly string[] Extensions = { ".png", ".jpg", ".jpeg" };

        /// <summary>The class names of <paramref name="root"/>, in label order.</summary>
        public static IReadOnlyList<string> ClassNames(string root)
        {
            if (!Directory.Exists(root))
            {
                throw DatasetException.Missing(root, "the image folder");
            }

            var classes = Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
            return classes.Length > 0
                ? classes
                : throw new DatasetException(root, "it has no sub-folders; put each class's images in a sub-folder named after the class.");
        }

        /// <summary>
        /// Loads every image under <paramref name="root"/> in the shape [channels, height, width] (channels 1 or 3), with
        /// <see cref="LabeledData.ClassNames"/> set. Without <paramref name="classNames"/> the classes are the sub-folders in
        /// ordinal order. With them (a test or new folder for a network trained on another folder: pass the training data's
        /// or the network's <see cref="InformationNetwork.ClassNames"/>) each sub-folder's label is its name's place in that
        /// list, so a folder that lacks a class keeps every other label where training put it; a sub-folder that names no
        /// class is an error, and so is a class without a sub-folder unless <paramref name="allowMissingClasses"/>.
        /// </summary>
        public static LabeledData Load(string root, IReadOnlyList<int> shape, IReadOnlyList<string>? classNames = null, bool allowMissingClasses = false)
        {
            ArgumentNullException.ThrowIfNull(shape);
            if (shape.Count != 3 || shape[0] is not (1 or 3) || shape[1] < 1 || shape[2] < 1)
            {
                throw new ArgumentException(
                    $"Image folders give images of shape [1, height, width] (grey) or [3, height, width] (RGB); [{string.Join(", ", shape)}] is neither. Declare such an [Input].", nameof(shape));
            }

            var folders = ClassNames(root);
            var classes = classNames ?? folders;
            if (classNames is not null)
            {
                var unknown = folders.Where(f => !classNames.Contains(f, StringComparer.Ordinal)).ToArray();
                if (unknown.Length > 0)
                {
                    throw new DatasetException(root,
                        $"its sub-folder{(unknown.Length == 1 ? "" : "s")} {string.Join(", ", unknown.Select(u => $"'{u}'"))} name{(unknown.Length == 1 ? "s" : "")} no class the network knows " +
                        $"({string.Join(", ", classNames)}); rename or remove {(unknown.Length == 1 ? "it" : "them")}.");
                }

                var missing = classNames.Where(c => !folders.Contains(c, StringComparer.Ordinal)).ToArray();
                if (missing.Length > 0 && !allowMissingClasses)
                {
                    throw new DatasetException(root,
                        $"it has no sub-folder for class{(missing.Length == 1 ? "" : "es")} {string.Join(", ", missing.Select(m => $"'{m}'"))}; add the images, " +
                        "or pass allowMissingClasses: true when this folder is meant to lack them (every other class keeps its label).");
                }
            }

            int channels = shape[0], height = shape[1], width = shape[2];
            long perImage = (long)channels * height * width;
            var features = new List<float[]>();
            var labels = new List<long>();
            for (int label = 0; label < classes.Count; label++)
            {
                string folder = Path.Combine(root, classes[label]);
                if (!Directory.Exists(folder))
                {
                    continue;
                }

                var files = Directory.GetFiles(folder)
                    .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal)
                    .ToArray();
                if (files.Length == 0)
                {
                    throw new DatasetException(folder, "this class folder has no .png, .jpg or .jpeg images.");
                }

                foreach (string file in files)
                {
                    features.Add(channels == 1 ? Grey(file, height, width) : Colour(file, height, width));
                    labels.Add(label);
                }
            }

            var flat = new float[features.Count * perImage];
            for (int i = 0; i < features.Count; i++)
            {
                features[i].CopyTo(flat, i * perImage);
            }

            return new LabeledData(torch.tensor(flat, new long[] { features.Count, channels, height, width }), torch.tensor(labels.ToArray()))
            {
                ClassNames = classes.ToArray(),
            };
        }

        private static float[] Grey(string file, int height, int width)
        {
            using var image = Decode<L8>(file, height, width);
            var values = new float[height * width];
            image.ProcessPixelRows(rows =>
            {
                for (int y = 0; y < rows.Height; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (int x = 0; x < row.Length; x++)
                    {
                        values[y * width + x] = row[x].PackedValue / 255f;
                    }
                }
            });
            return values;
        }

        private static float[] Colour(string file, int height, int width)
        {
            using var image = Decode<Rgb24>(file, height, width);
            int plane = height * width;
            var values = new float[3 * plane];
            image.ProcessPixelRows(rows =>
            {
                for (int y = 0; y < rows.Height; y++)
                {
                    var row = rows.GetRowSpan(y);
                    for (int x = 0; x < row.Length; x++)
                    {
                        int at = y * width + x;
                        values[at] = row[x].R / 255f;
                        values[plane + at] = row[x].G / 255f;
                        values[2 * plane + at] = row[x].B / 255f;
                    }
                }
            });
            return values;
        }

        private static Image<TPixel> Decode<TPixel>(string file, int height, int width)
            where TPixel : unmanaged, IPixel<TPixel>
        {
            Image<TPixel> image;
            try
            {
                image = Image.Load<TPixel>(file);
            }
            catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or ImageFormatException)
            {
                throw new DatasetException(file, $"it is not an image that can be decoded ({e.Message}).", e);
            }

            if (image.Width != width || image.Height != height)
            {
                image.Mutate(context => context.Resize(width, height));
            }

            return image;
        }
    }
}
