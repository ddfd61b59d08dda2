namespace Ibex.Generators
{
    /// <summary>Metadata names of the types the generator recognizes (checked against <c>typeof(...).FullName</c> in tests).</summary>
    internal static class KnownTypeNames
    {
        public const string InfoRegularizedAttribute = "Ibex.Dsl.InfoRegularizedAttribute";
        public const string InputAttribute = "Ibex.Dsl.InputAttribute";
        public const string StochasticAttribute = "Ibex.Dsl.StochasticAttribute";
        public const string LayerAttribute = "Ibex.Dsl.LayerAttribute";
        public const string NoiseFamily = "Ibex.Dsl.NoiseFamily";
        public const string AlphaSharing = "Ibex.Dsl.AlphaSharing";

        /// <summary>The type every layer property is declared with; it lives in Ibex.Runtime.</summary>
        public const string Layer = "Ibex.Runtime.Layer";
    }
}
