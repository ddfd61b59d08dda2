namespace Ibex.Generators.Diagnostics
{
    /// <summary>The keys of the properties a diagnostic carries for its code fix (linked into Ibex.CodeFixes).</summary>
    internal static class DiagnosticProperties
    {
        /// <summary>What the diagnostic suggests writing instead ("did you mean"): the name a code fix writes.</summary>
        public const string Suggestion = "Suggestion";
    }
}
