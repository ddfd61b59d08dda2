using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Ibex.Examples.PredictionService;

/// <summary>
/// Turns a PNG or JPEG into the features of one grey image of the network's declared size: converted to luminance,
/// resized to height × width, scaled to [0, 1] as the Fashion-MNIST reader scales its pixels.
/// </summary>
public static class ImageInput
{
    public static async Task<float[]> ReadAsync(Stream body, int height, int width, CancellationToken cancellationToken)
    {
        using var image = await Image.LoadAsync<L8>(body, cancellationToken);
        if (image.Width != width || image.Height != height)
        {
            image.Mutate(context => context.Resize(width, height));
        }

        var features = new float[height * width];
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < rows.Height; y++)
            {
                Span<L8> row = rows.GetRowSpan(y);
                for (int x = 0; x < row.Length; x++)
                {
                    features[y * width + x] = row[x].PackedValue / 255f;
                }
            }
        });
        return features;
    }
}
