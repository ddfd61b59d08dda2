using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.IO;
using System.Threading;
using Google.Protobuf;
using Ibex.Runtime.Reports;
using Tensorboard;

namespace Ibex.Runtime.Telemetry
{
    /// <summary>
    /// One TensorBoard event file: TFRecord framing (length, masked CRC-32C of the length, an <c>Event</c> protocol buffer,
    /// masked CRC-32C of the buffer; CRC-32C from System.IO.Hashing) around the <c>Event</c>, <c>Summary</c> and <c>HistogramProto</c> messages that
    /// TorchSharp generates from TensorBoard's .proto files. Written here rather than through TorchSharp 0.107's
    /// <c>SummaryWriter</c>, whose <c>add_histogram</c> throws for every tensor type, whose file-version record carries .NET
    /// ticks as its wall time where TensorBoard reads seconds since 1970, and whose steps are 32-bit. Each record is flushed
    /// when written, so that TensorBoard follows a running job.
    /// </summary>
    public sealed class TensorBoardEventFile : IDisposable
    {
        private static int files;
        private readonly FileStream stream;

        /// <summary>Creates <c>events.out.tfevents.{seconds}.{host}.{pid}.{n}.ibex</c> in <paramref name="directory"/> (created when missing).</summary>
        public TensorBoardEventFile(string directory)
        {
            Directory.CreateDirectory(directory);
            string name = string.Create(CultureInfo.InvariantCulture,
                $"events.out.tfevents.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Environment.MachineName}.{Environment.ProcessId}.{Interlocked.Increment(ref files)}.ibex");
            Path = System.IO.Path.Combine(directory, name);
            stream = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            Write(new Event { WallTime = Now(), FileVersion = "brain.Event:2" });
        }

        /// <summary>The event file's path.</summary>
        public string Path { get; }

        /// <summary>A scalar (TensorBoard's <c>simple_value</c>, a 32-bit float) at <paramref name="step"/>.</summary>
        public void Scalar(string tag, double value, long step)
        {
            var summary = new Summary();
            summary.Value.Add(new Summary.Types.Value { Tag = tag, SimpleValue = (float)value });
            Write(new Event { WallTime = Now(), Step = step, Summary = summary });
        }

        /// <summary>A histogram of log α: bucket limits are the bins' right edges, buckets their counts.</summary>
        public void Histogram(string tag, LogAlphaHistogram histogram, long step)
        {
            var proto = new HistogramProto
            {
                Min = histogram.Min,
                Max = histogram.Max,
                Num = histogram.Weights,
                Sum = histogram.Sum,
                SumSquares = histogram.SumOfSquares,
            };
            for (int bin = 0; bin < histogram.Counts.Count; bin++)
            {
                proto.BucketLimit.Add(histogram.UpperEdge(bin));
                proto.Bucket.Add(histogram.Counts[bin]);
            }

            var summary = new Summary();
            summary.Value.Add(new Summary.Types.Value { Tag = tag, Histo = proto });
            Write(new Event { WallTime = Now(), Step = step, Summary = summary });
        }

        /// <summary>Markdown text for TensorBoard's text plugin: a one-element string tensor with plugin name "text".</summary>
        public void Text(string tag, string markdown, long step)
        {
            var tensor = new TensorProto { Dtype = DataType.DtString, TensorShape = new TensorShapeProto() };
            tensor.TensorShape.Dim.Add(new TensorShapeProto.Types.Dim { Size = 1 });
            tensor.StringVal.Add(ByteString.CopyFromUtf8(markdown));
            var summary = new Summary();
            summary.Value.Add(new Summary.Types.Value
            {
                Tag = tag,
                Tensor = tensor,
                Metadata = new SummaryMetadata { PluginData = new SummaryMetadata.Types.PluginData { PluginName = "text" } },
            });
            Write(new Event { WallTime = Now(), Step = step, Summary = summary });
        }

        /// <summary>Closes the file.</summary>
        public void Dispose() => stream.Dispose();

        /// <summary>The masked CRC-32C of TFRecord: the checksum rotated right by 15 bits plus 0xa282ead8.</summary>
        public static uint MaskedCrc(ReadOnlySpan<byte> data)
        {
            uint crc = Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data);
            return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
        }

        private void Write(Event record)
        {
            byte[] payload = record.ToByteArray();
            Span<byte> header = stackalloc byte[12];
            BinaryPrimitives.WriteUInt64LittleEndian(header[..8], (ulong)payload.LongLength);
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc(header[..8]));
            Span<byte> footer = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc(payload));
            stream.Write(header);
            stream.Write(payload);
            stream.Write(footer);
            stream.Flush();
        }

        private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
    }
}
