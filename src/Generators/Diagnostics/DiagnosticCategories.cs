namespace Ibex.Generators.Diagnostics
{
    internal static class DiagnosticCategories
    {
        public const string Declaration = "Ibex.Declaration";

        /// <summary>Shapes inferred through the layers.</summary>
        public const string Shapes = "Ibex.Shapes";
    }
}
