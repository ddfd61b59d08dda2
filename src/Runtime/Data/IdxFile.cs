using System;
using System.IO;
using System.IO.Compression;

namespace Ibex.Runtime.Data
{
    /// <summary>
    /// Reads IDX files of unsigned bytes (the MNIST family's format), plain or gzip-compressed: a 4-byte magic number
    /// <c>0x00 0x00 0x08 rank</c>, <c>rank</c> big-endian 32-bit dimensions, then the bytes in row-major order.
    /// </summary>
    public static class IdxFile
    {
        private const byte UnsignedByteType = 0x08;

        /// <summary>Reads <paramref name="path"/>; throws <see cref="DatasetException"/> naming the file on any problem.</summary>
        /// <param name="path">The file to read.</param>
        /// <param name="expectedRank">The number of dimensions the caller needs (3 for images, 1 for labels).</param>
        public static (int[] Shape, byte[] Data) Read(string path, int expectedRank)
        {
            byte[] bytes;
            try
            {
                bytes = Decompress(path, File.ReadAllBytes(path));
            }
            catch (FileNotFoundException e)
            {
                throw DatasetException.Missing(path, "the file", e);
            }
            catch (DirectoryNotFoundException e)
            {
                throw DatasetException.Missing(path, "its folder", e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new DatasetException(path, "the file cannot be read (permission denied).", e);
            }

            return Parse(path, bytes, expectedRank);
        }

        /// <summary>Parses the bytes of an uncompressed IDX file.</summary>
        public static (int[] Shape, byte[] Data) Parse(string path, byte[] bytes, int expectedRank)
        {
            if (bytes.Length < 4)
            {
                throw new DatasetException(path, $"the file is {bytes.Length} bytes long, too short for an IDX header (at least 4 bytes); it is truncated or not an IDX file.");
            }

            if (bytes[0] != 0 || bytes[1] != 0)
            {
                throw new DatasetException(path, $"not an IDX file: the magic number starts with 0x{bytes[0]:x2} 0x{bytes[1]:x2} instead of 0x00 0x00.");
            }

            if (bytes[2] != UnsignedByteType)
            {
                throw new DatasetException(path, $"IDX element type 0x{bytes[2]:x2} is not supported; Ibex reads unsigned bytes (0x08).");
            }

            int rank = bytes[3];
            if (rank != expectedRank)
            {
                throw new DatasetException(path, $"the file has {rank} dimensions where {expectedRank} were expected; is it the right file (images have 3, labels 1)?");
            }

            int headerLength = 4 + 4 * rank;
            if (bytes.Length < headerLength)
            {
                throw new DatasetException(path, $"the file is truncated inside its header ({bytes.Length} of {headerLength} bytes).");
            }

            var shape = new int[rank];
            long expectedElements = 1;
            for (int i = 0; i < rank; i++)
            {
                int offset = 4 + 4 * i;
                shape[i] = (bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3];
                if (shape[i] <= 0)
                {
                    throw new DatasetException(path, $"dimension {i} is {shape[i]}; every dimension must be positive.");
                }

                expectedElements *= shape[i];
            }

            long actualElements = bytes.Length - headerLength;
            if (actualElements != expectedElements)
            {
                string problem = actualElements < expectedElements ? "truncated" : "longer than its header says";
                throw new DatasetException(path,
                    $"the file is {problem}: its header promises {string.Join(" × ", shape)} = {expectedElements} bytes of data, but it holds {actualElements}. Reinstall or re-download it.");
            }

            var data = new byte[expectedElements];
            Buffer.BlockCopy(bytes, headerLength, data, 0, data.Length);
            return (shape, data);
        }

        private static byte[] Decompress(string path, byte[] bytes)
        {
            bool isGzip = bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
            if (!isGzip)
            {
                return bytes;
            }

            try
            {
                using var input = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var output = new MemoryStream();
                input.CopyTo(output);
                return output.ToArray();
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
            {
                throw new DatasetException(path, $"the gzip data is corrupt or truncated ({e.Message}). Reinstall or re-download the file.", e);
            }
        }
    }
}
