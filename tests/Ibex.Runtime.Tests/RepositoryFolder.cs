using System;
using System.IO;

namespace Ibex.Runtime.Tests;

/// <summary>
/// The repository's root: the nearest folder above the test binaries that holds Dsl.sln. (A deterministic CI build maps
/// source paths to /_/, so the caller's file path cannot be used.)
/// </summary>
internal static class RepositoryFolder
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Dsl.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Dsl.sln; run the tests from the repository's build output.");
    }
}
