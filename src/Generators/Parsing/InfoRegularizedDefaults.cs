namespace Ibex.Generators.Parsing
{
    /// <summary>
    /// The defaults of <c>Ibex.Dsl.InfoRegularizedAttribute</c>, repeated here because the generator does not load the
    /// attribute assembly; a test checks that both agree. Why these values: docs/defaults.md.
    /// </summary>
    internal static class InfoRegularizedDefaults
    {
        public const double AlphaMax = 4.0;
        public const double MinLogAlpha = -10.0;
        public const double InitialLogAlpha = -6.0;
    }
}
