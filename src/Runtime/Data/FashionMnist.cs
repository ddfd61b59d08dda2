using System;
using System.IO;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    /// <summary>
    /// Fashion-MNIST (Xiao et al. 2017): 60,000 training and 10,000 test images of 28×28 grey pixels in 10 classes, read
    /// from the IDX files that Debian's <c>dataset-fashion-mnist</c> package installs.
    /// </summary>
    public static class FashionMnist
    {
        /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package puts the files.</summary>
        public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

        /// <summary>The number of classes.</summary>
        public const int Classes = 10;

        /// <summary>Pixels per image (28 × 28).</summary>
        public const int Features = 28 * 28;

        /// <summary>Loads the training set; pixels scaled to [0, 1] and flattened to 784 features.</summary>
        public static LabeledData LoadTrain(string directory = DefaultDirectory) => Load(directory, "train");

        /// <summary>Loads the test set; pixels scaled to [0, 1] and flattened to 784 features.</summary>
        public static LabeledData LoadTest(string directory = DefaultDirectory) => Load(directory, "t10k");

        private static LabeledData Load(string directory, string split)
        {
            if (!Directory.Exists(directory))
            {
                throw new DatasetException(directory,
                    "the Fashion-MNIST folder does not exist. Install it with 'sudo apt-get install dataset-fashion-mnist' " +
                    "(Debian/Ubuntu), or point Ibex at a folder holding the four IDX files.");
            }

            string imagesPath = Locate(directory, split + "-images-idx3-ubyte");
            string labelsPath = Locate(directory, split + "-labels-idx1-ubyte");
            var (imageShape, pixels) = IdxFile.Read(imagesPath, expectedRank: 3);
            var (labelShape, labels) = IdxFile.Read(labelsPath, expectedRank: 1);

            if (imageShape[1] != 28 || imageShape[2] != 28)
            {
                throw new DatasetException(imagesPath, $"images are {imageShape[1]}×{imageShape[2]}, but Fashion-MNIST images are 28×28.");
            }

            if (labelShape[0] != imageShape[0])
            {
                throw new DatasetException(labelsPath, $"it holds {labelShape[0]} labels, but {imagesPath} holds {imageShape[0]} images.");
            }

            for (int i = 0; i < labels.Length; i++)
            {
                if (labels[i] >= Classes)
                {
                    throw new DatasetException(labelsPath, $"label {i} is {labels[i]}; Fashion-MNIST labels are 0 to {Classes - 1}.");
                }
            }

            var features = new float[pixels.Length];
            for (int i = 0; i < pixels.Length; i++)
            {
                features[i] = pixels[i] / 255f;
            }

            var targets = new long[labels.Length];
            for (int i = 0; i < labels.Length; i++)
            {
                targets[i] = labels[i];
            }

            return new LabeledData(
                torch.tensor(features, new long[] { imageShape[0], Features }),
                torch.tensor(targets, new long[] { labelShape[0] }));
        }

        /// <summary>Finds <paramref name="baseName"/> plain or gzip-compressed in <paramref name="directory"/>.</summary>
        private static string Locate(string directory, string baseName)
        {
            foreach (var candidate in new[] { baseName + ".gz", baseName })
            {
                string path = Path.Combine(directory, candidate);
                if (File.Exists(path))
                {
                    return path;
                }
            }

            throw new DatasetException(Path.Combine(directory, baseName + ".gz"),
                "the file does not exist (nor its uncompressed form). Install Fashion-MNIST with 'sudo apt-get install dataset-fashion-mnist', " +
                "or point Ibex at a folder that holds it.");
        }
    }
}
