using System;
using System.Collections.Generic;
using System.IO;
using Google.Protobuf;

namespace Ibex.Runtime.Tests.Runs;

/// <summary>One decoded event: its wall time and step, and either the file version or one summary value.</summary>
internal sealed record DecodedEvent(double WallTime, long Step, string? FileVersion, IReadOnlyList<DecodedValue> Values);

/// <summary>One summary value: a scalar, a histogram or a text tensor, with its plugin name.</summary>
internal sealed record DecodedValue(string Tag, float? Scalar, DecodedHistogram? Histogram, IReadOnlyList<string> Strings, string? Plugin);

/// <summary>A histogram as TensorBoard's HistogramProto holds it.</summary>
internal sealed record DecodedHistogram(double Min, double Max, double Count, double Sum, double SumOfSquares, IReadOnlyList<double> BucketLimits, IReadOnlyList<double> Buckets);

/// <summary>
/// Reads a TensorBoard event file on its own, without the writer's code or TorchSharp's message classes: TFRecord framing
/// (little-endian 64-bit length, masked CRC-32C of those 8 bytes, the record, masked CRC-32C of the record), both checksums
/// verified with a CRC-32C of its own, then the tensorflow.Event protocol buffer read field by field from event.proto's and
/// summary.proto's field numbers.
/// </summary>
internal static class TensorBoardEventReader
{
    public static List<DecodedEvent> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var events = new List<DecodedEvent>();
        int position = 0;
        while (position < bytes.Length)
        {
            if (bytes.Length - position < 12)
            {
                throw new InvalidDataException($"{path}: {bytes.Length - position} stray bytes at {position}, too few for a record header.");
            }

            var lengthBytes = bytes.AsSpan(position, 8);
            ulong length = BitConverter.ToUInt64(lengthBytes);
            uint lengthCrc = BitConverter.ToUInt32(bytes, position + 8);
            if (lengthCrc != MaskedCrc32C(lengthBytes))
            {
                throw new InvalidDataException($"{path}: the length's checksum at {position} does not match.");
            }

            position += 12;
            var record = bytes.AsSpan(position, checked((int)length));
            uint recordCrc = BitConverter.ToUInt32(bytes, position + (int)length);
            if (recordCrc != MaskedCrc32C(record))
            {
                throw new InvalidDataException($"{path}: the record's checksum at {position} does not match.");
            }

            events.Add(Event(record.ToArray()));
            position += (int)length + 4;
        }

        return events;
    }

    /// <summary>CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), bit by bit, masked as TFRecord masks it.</summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }

    // event.proto: double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5.
    private static DecodedEvent Event(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        double wallTime = 0;
        long step = 0;
        string? version = null;
        var values = new List<DecodedValue>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: wallTime = input.ReadDouble(); break;
                case 2: step = input.ReadInt64(); break;
                case 3: version = input.ReadString(); break;
                case 5: values.AddRange(Summary(input.ReadBytes().ToByteArray())); break;
                default: input.SkipLastField(); break;
            }
        }

        return new DecodedEvent(wallTime, step, version, values);
    }

    // summary.proto: repeated Value value = 1; Value: string tag = 1; float simple_value = 2; HistogramProto histo = 5;
    // TensorProto tensor = 8; SummaryMetadata metadata = 9.
    private static IEnumerable<DecodedValue> Summary(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != 1)
            {
                input.SkipLastField();
                continue;
            }

            var value = new CodedInputStream(input.ReadBytes().ToByteArray());
            string name = "";
            float? scalar = null;
            DecodedHistogram? histogram = null;
            var strings = new List<string>();
            string? plugin = null;
            uint field;
            while ((field = value.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(field))
                {
                    case 1: name = value.ReadString(); break;
                    case 2: scalar = value.ReadFloat(); break;
                    case 5: histogram = Histogram(value.ReadBytes().ToByteArray()); break;
                    case 8: strings.AddRange(TensorStrings(value.ReadBytes().ToByteArray())); break;
                    case 9: plugin = PluginName(value.ReadBytes().ToByteArray()); break;
                    default: value.SkipLastField(); break;
                }
            }

            yield return new DecodedValue(name, scalar, histogram, strings, plugin);
        }
    }

    // HistogramProto: double min = 1, max = 2, num = 3, sum = 4, sum_squares = 5; repeated double bucket_limit = 6, bucket = 7 (packed).
    private static DecodedHistogram Histogram(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        double min = 0, max = 0, num = 0, sum = 0, squares = 0;
        var limits = new List<double>();
        var buckets = new List<double>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: min = input.ReadDouble(); break;
                case 2: max = input.ReadDouble(); break;
                case 3: num = input.ReadDouble(); break;
                case 4: sum = input.ReadDouble(); break;
                case 5: squares = input.ReadDouble(); break;
                case 6: Packed(input, tag, limits); break;
                case 7: Packed(input, tag, buckets); break;
                default: input.SkipLastField(); break;
            }
        }

        return new DecodedHistogram(min, max, num, sum, squares, limits, buckets);
    }

    private static void Packed(CodedInputStream input, uint tag, List<double> into)
    {
        if (WireFormat.GetTagWireType(tag) == WireFormat.WireType.Fixed64)
        {
            into.Add(input.ReadDouble());
            return;
        }

        var packed = new CodedInputStream(input.ReadBytes().ToByteArray());
        while (!packed.IsAtEnd)
        {
            into.Add(packed.ReadDouble());
        }
    }

    // TensorProto: repeated bytes string_val = 8.
    private static IEnumerable<string> TensorStrings(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        var strings = new List<string>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 8)
            {
                strings.Add(input.ReadBytes().ToStringUtf8());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return strings;
    }

    // SummaryMetadata: PluginData plugin_data = 1; PluginData: string plugin_name = 1.
    private static string? PluginName(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1)
            {
                var data = new CodedInputStream(input.ReadBytes().ToByteArray());
                uint inner;
                while ((inner = data.ReadTag()) != 0)
                {
                    if (WireFormat.GetTagFieldNumber(inner) == 1)
                    {
                        return data.ReadString();
                    }

                    data.SkipLastField();
                }
            }
            else
            {
                input.SkipLastField();
            }
        }

        return null;
    }
}
