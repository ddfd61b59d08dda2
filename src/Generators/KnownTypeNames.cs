namespace Ibex.Generators
{
    /// <summary>Metadata names of the types the generator recognizes (checked against <c>typeof(...).FullName</c> in tests).</summary>
    internal static class KnownTypeNames
    {
        public const string InfoRegularizedAttribute = "Ibex.Dsl.InfoRegularizedAttribute";
        public const string InputAttribute = "Ibex.Dsl.InputAttribute";
        public const string StochasticAttribute = "Ibex.Dsl.StochasticAttribute";
        public const string LayerAttribute = "Ibex.Dsl.LayerAttribute";
        public const string DenseAttribute = "Ibex.Dsl.DenseAttribute";
        public const string Conv2dAttribute = "Ibex.Dsl.Conv2dAttribute";
        public const string MaxPool2dAttribute = "Ibex.Dsl.MaxPool2dAttribute";
        public const string AvgPool2dAttribute = "Ibex.Dsl.AvgPool2dAttribute";
        public const string GlobalAvgPoolAttribute = "Ibex.Dsl.GlobalAvgPoolAttribute";
        public const string FlattenAttribute = "Ibex.Dsl.FlattenAttribute";
        public const string BatchNormAttribute = "Ibex.Dsl.BatchNormAttribute";
        public const string DropoutAttribute = "Ibex.Dsl.DropoutAttribute";
        public const string ResidualAttribute = "Ibex.Dsl.ResidualAttribute";
        public const string ReLUAttribute = "Ibex.Dsl.ReLUAttribute";
        public const string SoftplusAttribute = "Ibex.Dsl.SoftplusAttribute";
        public const string TanhAttribute = "Ibex.Dsl.TanhAttribute";
        public const string ELUAttribute = "Ibex.Dsl.ELUAttribute";
        public const string SigmoidAttribute = "Ibex.Dsl.SigmoidAttribute";
        public const string IdentityAttribute = "Ibex.Dsl.IdentityAttribute";
        public const string NoiseFamily = "Ibex.Dsl.NoiseFamily";
        public const string AlphaSharing = "Ibex.Dsl.AlphaSharing";

        /// <summary>
        /// The attributes a layer property takes, as written (without "Attribute"), for "did you mean": every LayerAttribute
        /// subclass in Ibex.Dsl (a test keeps the list complete) and Stochastic.
        /// </summary>
        public static readonly string[] LayerAttributeNames =
        {
            "Dense", "Conv2d", "MaxPool2d", "AvgPool2d", "GlobalAvgPool", "Flatten", "BatchNorm", "Dropout", "Residual",
            "ReLU", "Softplus", "Tanh", "ELU", "Sigmoid", "Identity", "Stochastic",
        };

        /// <summary>The type every layer property is declared with; it lives in Ibex.Runtime.</summary>
        public const string Layer = "Ibex.Runtime.Layer";
    }
}
