using System;
using System.Linq;
using Ibex.Runtime;
using Ibex.Runtime.Compression;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using TorchSharp;

namespace Ibex.Examples.Compression;

/// <summary>
/// A picture of a convolution's filters after pruning: one tile per output channel, each weight a square, red for positive
/// and blue for negative (scaled by the largest magnitude of the layer), pruned weights light grey, a channel with no
/// weight left framed in grey.
/// </summary>
internal static class Filters
{
    private const int Cell = 12;
    private const int Gap = 6;

    public static void Draw(InformationNetwork network, string layer, string path)
    {
        var masks = NetworkPruner.ApplyMask(network, new PruningOptions());
        try
        {
            using var noGrad = torch.no_grad();
            // The layer's 4-D parameter that is not its log α: the filters' means.
            var logAlpha = network.StochasticLayers().Single(l => l.Layer == layer).LogAlpha;
            var weight = network.named_parameters()
                .Single(p => p.name.StartsWith(layer + ".", StringComparison.Ordinal) && p.parameter.dim() == 4 && !ReferenceEquals(p.parameter, logAlpha)).parameter;
            using var values = weight.detach().cpu().to(torch.float32).contiguous();
            long channels = values.shape[0], height = values.shape[^2], width = values.shape[^1];
            float[] data = values.data<float>().ToArray();
            float scale = Math.Max(1e-12f, data.Max(Math.Abs));
            int columns = (int)Math.Min(10, channels), rows = (int)((channels + columns - 1) / columns);
            using var image = new Image<Rgba32>(columns * ((int)width * Cell + Gap) + Gap, rows * ((int)height * Cell + Gap) + Gap, new Rgba32(255, 255, 255));
            for (int channel = 0; channel < channels; channel++)
            {
                int left = Gap + channel % columns * ((int)width * Cell + Gap), top = Gap + channel / columns * ((int)height * Cell + Gap);
                var tile = data.Skip(channel * (int)(height * width)).Take((int)(height * width)).ToArray();
                bool empty = tile.All(v => v == 0);
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        float v = tile[y * width + x] / scale;
                        var color = v == 0
                            ? new Rgba32(225, 225, 225)
                            : v > 0 ? new Rgba32(255, (byte)(255 * (1 - v)), (byte)(255 * (1 - v))) : new Rgba32((byte)(255 * (1 + v)), (byte)(255 * (1 + v)), 255);
                        for (int dy = 0; dy < Cell; dy++)
                        {
                            for (int dx = 0; dx < Cell; dx++)
                            {
                                bool frame = empty && (dy == 0 || dx == 0 || dy == Cell - 1 || dx == Cell - 1);
                                image[left + x * Cell + dx, top + y * Cell + dy] = frame ? new Rgba32(150, 150, 150) : color;
                            }
                        }
                    }
                }
            }

            image.SaveAsPng(path);
        }
        finally
        {
            foreach (var mask in masks.Values)
            {
                mask.Dispose();
            }
        }
    }
}
