namespace Ibex.Dsl
{
    /// <summary>
    /// The defaults of <see cref="InfoRegularizedAttribute"/>, in one place that the generator links into its own build (it
    /// cannot load this assembly). Why these values: docs/defaults.md.
    /// </summary>
    internal static class InformationDefaults
    {
        public const double AlphaMax = 4.0;
        public const double MinLogAlpha = -10.0;
        public const double InitialLogAlpha = -6.0;
    }
}
