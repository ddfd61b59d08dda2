using System;
using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime.Training
{
    /// <summary>A checkpoint was written with other settings than this run's, and the resume policy does not allow them.</summary>
    public sealed class ResumeMismatchException : Exception
    {
        /// <summary>Creates the exception for the checkpoint at <paramref name="path"/>.</summary>
        public ResumeMismatchException(string path, IReadOnlyList<SettingChange> differences, string advice)
            : base($"{path}: the checkpoint was written with other settings than this run's:{Environment.NewLine}" +
                   string.Join(Environment.NewLine, differences.Select(d => "  " + d)) + Environment.NewLine + advice)
        {
            Path = path;
            Differences = differences;
            Advice = advice;
        }

        /// <summary>The checkpoint.</summary>
        public string Path { get; }

        /// <summary>Every setting that differs.</summary>
        public IReadOnlyList<SettingChange> Differences { get; }

        /// <summary>What the user can do.</summary>
        public string Advice { get; }
    }
}
