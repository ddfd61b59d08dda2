using System;

namespace Ibex.Runtime.Distributed
{
    /// <summary>
    /// Data-parallel training cannot start or go on: MPI is missing or failed, the launch is not one Ibex can join, or the
    /// ranks disagree. The message names the problem and what to do.
    /// </summary>
    public sealed class DataParallelException : Exception
    {
        /// <summary>Creates the exception with its message.</summary>
        public DataParallelException(string message)
            : base(message)
        {
        }

        /// <summary>Creates the exception with its message and cause.</summary>
        public DataParallelException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }
}
