using System;
using System.Collections.Generic;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Text;

namespace Ibex.Runtime.Native
{
    /// <summary>
    /// Reads the dynamic symbol table of an ELF64 little-endian shared library (Linux x86-64 and arm64): which symbols it
    /// defines, and which unversioned symbols it needs from other libraries (libtorch's C++ API is unversioned; libc and
    /// libstdc++ symbols carry GLIBC_/GLIBCXX_ versions and are left out).
    /// </summary>
    public sealed class ElfSymbols
    {
        private const uint ShtDynsym = 11;
        private const uint ShtGnuVersym = 0x6fffffff;
        private const int SymbolSize = 24;

        private ElfSymbols(HashSet<string> defined, HashSet<string> needed)
        {
            Defined = defined;
            Needed = needed;
        }

        /// <summary>Symbols the library defines (exports).</summary>
        public IReadOnlySet<string> Defined { get; }

        /// <summary>Non-weak, unversioned symbols the library needs from elsewhere.</summary>
        public IReadOnlySet<string> Needed { get; }

        /// <summary>Reads <paramref name="path"/>; throws <see cref="InvalidDataException"/> for anything but an ELF64 LE library.</summary>
        public static ElfSymbols Read(string path)
        {
            long length = new FileInfo(path).Length;
            using var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            using var view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            if (length < 64 || view.ReadUInt32(0) != 0x464c457f || view.ReadByte(4) != 2 || view.ReadByte(5) != 1)
            {
                throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file.");
            }

            long sectionTable = view.ReadInt64(0x28);
            int sectionSize = view.ReadUInt16(0x3A);
            int sectionCount = view.ReadUInt16(0x3C);
            long symbols = 0, symbolsSize = 0, strings = 0, versions = 0;
            for (int i = 0; i < sectionCount; i++)
            {
                long header = sectionTable + (long)i * sectionSize;
                uint type = view.ReadUInt32(header + 4);
                if (type == ShtDynsym)
                {
                    symbols = view.ReadInt64(header + 0x18);
                    symbolsSize = view.ReadInt64(header + 0x20);
                    int link = (int)view.ReadUInt32(header + 0x28);
                    strings = view.ReadInt64(sectionTable + (long)link * sectionSize + 0x18);
                }
                else if (type == ShtGnuVersym)
                {
                    versions = view.ReadInt64(header + 0x18);
                }
            }

            var defined = new HashSet<string>(StringComparer.Ordinal);
            var needed = new HashSet<string>(StringComparer.Ordinal);
            long count = symbolsSize / SymbolSize;
            var name = new StringBuilder();
            for (long i = 1; i < count; i++)
            {
                long entry = symbols + i * SymbolSize;
                uint nameOffset = view.ReadUInt32(entry);
                byte info = view.ReadByte(entry + 4);
                ushort sectionIndex = view.ReadUInt16(entry + 6);
                if (nameOffset == 0)
                {
                    continue;
                }

                name.Clear();
                for (long at = strings + nameOffset; ; at++)
                {
                    byte b = view.ReadByte(at);
                    if (b == 0)
                    {
                        break;
                    }

                    name.Append((char)b);
                }

                bool weak = (info >> 4) == 2;
                if (sectionIndex != 0)
                {
                    defined.Add(name.ToString());
                    continue;
                }

                // versym 0 (local) and 1 (global, unversioned) need a plain symbol; ≥ 2 names a version such as GLIBCXX_3.4.
                int version = versions == 0 ? 1 : view.ReadUInt16(versions + i * 2) & 0x7fff;
                if (!weak && version <= 1)
                {
                    needed.Add(name.ToString());
                }
            }

            return new ElfSymbols(defined, needed);
        }
    }
}
