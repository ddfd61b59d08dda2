using System;
using System.IO;
using System.Text;

namespace Ibex.Runtime.Checkpoints
{
    /// <summary>
    /// The container of Ibex's binary files: an 8-byte magic, a format version, then length-prefixed sections. Every read
    /// is bounds-checked, so a truncated or foreign file is an error naming the file, never a crash deep in TorchSharp.
    /// </summary>
    internal static class BinarySections
    {
        public static void WriteHeader(BinaryWriter writer, byte[] magic, int version)
        {
            writer.Write(magic);
            writer.Write(version);
        }

        public static void WriteSection(BinaryWriter writer, byte[] section)
        {
            writer.Write((long)section.Length);
            writer.Write(section);
        }

        public static void WriteSection(BinaryWriter writer, string text) => WriteSection(writer, Encoding.UTF8.GetBytes(text));

        public static byte[] Capture(Action<BinaryWriter> write)
        {
            using var memory = new MemoryStream();
            using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
            {
                write(writer);
            }

            return memory.ToArray();
        }

        public static void ReadHeader(BinaryReader reader, string path, byte[] magic, int version, string what)
        {
            byte[] found = reader.ReadBytes(magic.Length);
            if (found.Length != magic.Length || !found.AsSpan().SequenceEqual(magic))
            {
                throw new CheckpointException(path, $"not an Ibex {what} (its first bytes are not '{Encoding.ASCII.GetString(magic)}').");
            }

            int foundVersion = ReadInt32(reader, path);
            if (foundVersion != version)
            {
                throw new CheckpointException(path, $"format version {foundVersion} is not supported; this Ibex reads version {version}.");
            }
        }

        public static byte[] ReadSection(BinaryReader reader, string path, string name)
        {
            long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
            if (remaining < sizeof(long))
            {
                throw new CheckpointException(path, $"the file is truncated before its {name}; it was not written completely.");
            }

            long length = reader.ReadInt64();
            if (length < 0 || length > remaining - sizeof(long))
            {
                throw new CheckpointException(path, $"the file is truncated or corrupt in its {name} ({length} bytes announced, {remaining - sizeof(long)} left).");
            }

            return reader.ReadBytes((int)length);
        }

        /// <summary>Reads a section holding JSON; a corrupt one is a <see cref="CheckpointException"/> naming the file.</summary>
        public static T ReadJson<T>(BinaryReader reader, string path, string name, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        {
            try
            {
                return System.Text.Json.JsonSerializer.Deserialize(ReadSection(reader, path, name), typeInfo)
                    ?? throw new System.Text.Json.JsonException($"empty {name}");
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new CheckpointException(path, $"its {name} is corrupt ({e.Message}).", e);
            }
        }

        private static int ReadInt32(BinaryReader reader, string path)
        {
            if (reader.BaseStream.Length - reader.BaseStream.Position < sizeof(int))
            {
                throw new CheckpointException(path, "the file is truncated inside its header.");
            }

            return reader.ReadInt32();
        }
    }
}
