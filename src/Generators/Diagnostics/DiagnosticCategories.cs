namespace Ibex.Generators.Diagnostics
{
    internal static class DiagnosticCategories
    {
        public const string Declaration = "Ibex.Declaration";
    }
}
