namespace Ibex.Generators
{
    /// <summary>Names of the tracked incremental steps, so that tests can ask how each one ran.</summary>
    internal static class TrackingNames
    {
        public const string ParseNetwork = nameof(ParseNetwork);
        public const string Network = nameof(Network);
        public const string Diagnostics = nameof(Diagnostics);
        public const string Fallback = nameof(Fallback);
    }
}
