using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Hashing;
using System.Text;

namespace Ibex.Runtime.Persistence
{
    /// <summary>
    /// The container of Ibex's binary files: an 8-byte magic, a format version, then sections, each its length (int64),
    /// its bytes and (from version 2) their XxHash64, and nothing after the last. Every read is bounds-checked and every
    /// section verified before its bytes are used, so a truncated, damaged or foreign file is an error naming the file and
    /// the section, never a crash deep in TorchSharp nor a silently wrong value. Version 1 files (no checksums) still load.
    /// </summary>
    internal static class BinarySections
    {
        /// <summary>The version written: sections carry checksums.</summary>
        public const int CurrentVersion = 2;

        private const int FirstVersionWithChecksums = 2;

        public static void WriteHeader(BinaryWriter writer, byte[] magic)
        {
            writer.Write(magic);
            writer.Write(CurrentVersion);
        }

        public static void WriteSection(BinaryWriter writer, byte[] section)
        {
            writer.Write((long)section.Length);
            writer.Write(section);
            writer.Write(XxHash64.HashToUInt64(section));
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

        /// <summary>Checks the magic and returns the format version (1 or 2).</summary>
        public static int ReadHeader(BinaryReader reader, string path, byte[] magic, string what)
        {
            byte[] found = reader.ReadBytes(magic.Length);
            if (found.Length != magic.Length || !found.AsSpan().SequenceEqual(magic))
            {
                throw CheckpointException.Damaged(path, $"not an Ibex {what} (its first bytes are not '{Encoding.ASCII.GetString(magic)}').");
            }

            if (reader.BaseStream.Length - reader.BaseStream.Position < sizeof(int))
            {
                throw CheckpointException.Damaged(path, "the file is truncated inside its header.");
            }

            int version = reader.ReadInt32();
            if (version is < 1 or > CurrentVersion)
            {
                throw CheckpointException.Damaged(path, $"format version {version} is not one this Ibex reads (1 … {CurrentVersion}); the file is damaged or from a newer Ibex.");
            }

            return version;
        }

        public static byte[] ReadSection(BinaryReader reader, string path, string name, int version)
        {
            int checksumBytes = version >= FirstVersionWithChecksums ? sizeof(ulong) : 0;
            long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
            if (remaining < sizeof(long))
            {
                throw CheckpointException.Damaged(path, $"the file is truncated before its {name}; it was not written completely.");
            }

            long length = reader.ReadInt64();
            long left = remaining - sizeof(long);
            if (length < 0 || length > left - checksumBytes || length > int.MaxValue)
            {
                throw CheckpointException.Damaged(path, $"the file is truncated or damaged in its {name} ({length} bytes announced, {left} left).");
            }

            byte[] section = reader.ReadBytes((int)length);
            if (checksumBytes > 0)
            {
                ulong stored = reader.ReadUInt64();
                ulong actual = XxHash64.HashToUInt64(section);
                if (stored != actual)
                {
                    throw CheckpointException.Damaged(path, $"its {name} section is damaged: its checksum (XxHash64) is {actual:x16}, the file recorded {stored:x16}.");
                }
            }

            return section;
        }

        /// <summary>Reads a section holding JSON; a damaged one is a <see cref="CheckpointException"/> naming the file.</summary>
        public static T ReadJson<T>(BinaryReader reader, string path, string name, int version, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        {
            byte[] section = ReadSection(reader, path, name, version);
            try
            {
                return System.Text.Json.JsonSerializer.Deserialize(section, typeInfo)
                    ?? throw new System.Text.Json.JsonException($"empty {name}");
            }
            catch (System.Text.Json.JsonException e)
            {
                throw CheckpointException.Damaged(path, $"its {name} is damaged ({e.Message}).", e);
            }
        }

        /// <summary>Refuses bytes after the last section: a file of this format ends there.</summary>
        public static void ReadEnd(BinaryReader reader, string path)
        {
            long extra = reader.BaseStream.Length - reader.BaseStream.Position;
            if (extra != 0)
            {
                throw CheckpointException.Damaged(path, $"the file has {extra} bytes after its last section; it is damaged.");
            }
        }
    }
}
