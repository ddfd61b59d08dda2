namespace Ibex.CodeFixes
{
    /// <summary>The generator's diagnostics these fixes answer (the generator's DiagnosticDescriptors hold their texts).</summary>
    internal static class DiagnosticIds
    {
        public const string NetworkMustBePartial = "IBX0001";
        public const string DenseNeedsFlatInput = "IBX0111";
        public const string MisspelledLayerAttribute = "IBX0118";

        /// <summary>The diagnostic property that holds the name a fix writes (the generator's DiagnosticInfo.SuggestionKey).</summary>
        public const string SuggestionKey = "Suggestion";
    }
}
