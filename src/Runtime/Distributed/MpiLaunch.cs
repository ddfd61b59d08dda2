using System;
using System.Globalization;

namespace Ibex.Runtime.Distributed
{
    /// <summary>
    /// What the process environment says about an MPI launch, read before MPI is initialized: MPICH's Hydra
    /// (<c>mpiexec</c>) and Slurm's PMI2 plugin (<c>srun --mpi=pmi2</c>) set <c>PMI_RANK</c> and <c>PMI_SIZE</c>; PMIx
    /// launchers set <c>PMIX_RANK</c>. Open MPI's <c>mpirun</c> sets <c>OMPI_COMM_WORLD_SIZE</c>.
    /// </summary>
    internal static class MpiLaunch
    {
        /// <summary>The number of processes the launcher started, or null when no MPI launcher started this one.</summary>
        public static int? Size => Number("PMI_SIZE") ?? Number("OMPI_COMM_WORLD_SIZE")
            ?? (Environment.GetEnvironmentVariable("PMIX_RANK") is not null ? Number("SLURM_NTASKS") ?? 1 : null);

        /// <summary>Started by Open MPI's launcher, whose library MPI.NET's handles do not fit.</summary>
        public static bool IsOpenMpi => Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null;

        /// <summary>Several Slurm tasks without an MPI process-management interface: <c>srun</c> without <c>--mpi=pmi2</c>.</summary>
        public static bool IsSlurmWithoutPmi => Size is null && Number("SLURM_STEP_NUM_TASKS") is > 1;

        /// <summary>This process's index among the launcher's processes on its machine (0 when unknown).</summary>
        public static int LocalRank => Number("MPI_LOCALRANKID") ?? Number("SLURM_LOCALID") ?? Number("OMPI_COMM_WORLD_LOCAL_RANK") ?? 0;

        /// <summary>How many of the launcher's processes share this machine (1 when unknown).</summary>
        public static int LocalSize => Number("MPI_LOCALNRANKS") ?? Number("SLURM_STEP_TASKS_PER_NODE") ?? Number("OMPI_COMM_WORLD_LOCAL_SIZE") ?? 1;

        private static int? Number(string variable)
            => int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : null;
    }
}
