using System;
using System.IO;
using System.IO.Compression;
using Ibex.Runtime.Data;
using Xunit;

namespace Ibex.Runtime.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("ibex-idx-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsWhatWasWritten(bool gzip)
    {
        var data = new byte[3 * 4 * 5];
        Random.Shared.NextBytes(data);
        string path = Write("images", Idx(3, new[] { 3, 4, 5 }, data), gzip);

        var (shape, read) = IdxFile.Read(path, expectedRank: 3);

        Assert.Equal(new[] { 3, 4, 5 }, shape);
        Assert.Equal(data, read);
    }

    [Fact]
    public void ATruncatedFileNamesItselfAndTheMissingBytes()
    {
        byte[] full = Idx(1, new[] { 100 }, new byte[100]);
        string path = Write("labels", full.AsSpan(0, full.Length - 30).ToArray(), gzip: false);

        var error = Assert.Throws<DatasetException>(() => IdxFile.Read(path, expectedRank: 1));

        Assert.Equal(path, error.Path);
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("100 bytes of data, but it holds 70", error.Message);
    }

    [Fact]
    public void ATruncatedGzipStreamIsReportedAsCorruptOrTruncated()
    {
        var data = new byte[4000];
        Random.Shared.NextBytes(data);
        string whole = Write("whole", Idx(1, new[] { 4000 }, data), gzip: true);
        byte[] compressed = File.ReadAllBytes(whole);
        string path = Path.Combine(folder, "cut.gz");
        File.WriteAllBytes(path, compressed.AsSpan(0, compressed.Length / 2).ToArray());

        var error = Assert.Throws<DatasetException>(() => IdxFile.Read(path, expectedRank: 1));

        Assert.Equal(path, error.Path);
        Assert.Matches("truncated|corrupt", error.Message);
    }

    [Fact]
    public void AFileThatIsNotIdxIsRejectedByItsMagicNumber()
    {
        string path = Write("text", "hello, world"u8.ToArray(), gzip: false);

        var error = Assert.Throws<DatasetException>(() => IdxFile.Read(path, expectedRank: 1));

        Assert.Contains("not an IDX file", error.Message);
    }

    [Fact]
    public void TheWrongRankIsRejected()
    {
        string path = Write("labels", Idx(1, new[] { 4 }, new byte[4]), gzip: false);

        var error = Assert.Throws<DatasetException>(() => IdxFile.Read(path, expectedRank: 3));

        Assert.Contains("1 dimensions where 3 were expected", error.Message);
    }

    [Fact]
    public void AMissingFolderTellsWhichPackageToInstall()
    {
        string missing = Path.Combine(folder, "nowhere");

        var error = Assert.Throws<DatasetException>(() => FashionMnist.LoadTest(missing));

        Assert.Equal(missing, error.Path);
        Assert.Contains("apt-get install dataset-fashion-mnist", error.Message);
    }

    [Fact]
    public void AMissingFileTellsWhichPackageToInstall()
    {
        var error = Assert.Throws<DatasetException>(() => FashionMnist.LoadTest(folder));

        Assert.Contains("t10k-images-idx3-ubyte", error.Message);
        Assert.Contains("dataset-fashion-mnist", error.Message);
    }

    [Fact]
    public void MismatchedImageAndLabelCountsAreReported()
    {
        Write("t10k-images-idx3-ubyte", Idx(3, new[] { 3, 28, 28 }, new byte[3 * 28 * 28]), gzip: true);
        Write("t10k-labels-idx1-ubyte", Idx(1, new[] { 2 }, new byte[2]), gzip: false);

        var error = Assert.Throws<DatasetException>(() => FashionMnist.LoadTest(folder));

        Assert.Contains("holds 2 labels", error.Message);
    }

    [Fact]
    public void TheInstalledFashionMnistTestSetLoads()
    {
        Assert.True(Directory.Exists(FashionMnist.DefaultDirectory),
            $"{FashionMnist.DefaultDirectory} is missing: install it with 'apt-get install dataset-fashion-mnist' (.ci/run does).");

        using var test = FashionMnist.LoadTest();

        Assert.Equal(new long[] { 10_000, 784 }, test.Features.shape);
        Assert.Equal(0f, test.Features.min().item<float>());
        Assert.Equal(1f, test.Features.max().item<float>());
        Assert.Equal(9, test.Labels.max().item<long>());
        Assert.Equal(1000, test.Labels.eq(3).sum().item<long>());
    }

    private string Write(string name, byte[] bytes, bool gzip)
    {
        string path = Path.Combine(folder, gzip ? name + ".gz" : name);
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return path;
        }

        using var file = File.Create(path);
        using var compressor = new GZipStream(file, CompressionLevel.Fastest);
        compressor.Write(bytes);
        return path;
    }

    private static byte[] Idx(int rank, int[] shape, byte[] data)
    {
        var header = new byte[4 + 4 * rank];
        header[2] = 0x08;
        header[3] = (byte)rank;
        for (int i = 0; i < rank; i++)
        {
            header[4 + 4 * i] = (byte)(shape[i] >> 24);
            header[5 + 4 * i] = (byte)(shape[i] >> 16);
            header[6 + 4 * i] = (byte)(shape[i] >> 8);
            header[7 + 4 * i] = (byte)shape[i];
        }

        var bytes = new byte[header.Length + data.Length];
        header.CopyTo(bytes, 0);
        data.CopyTo(bytes, header.Length);
        return bytes;
    }
}
