namespace Ibex.Dsl
{
    /// <summary>How many noise variances α a stochastic weight layer learns.</summary>
#if IBEX_GENERATOR
    internal enum AlphaSharing
#else
    public enum AlphaSharing
#endif
    {
        /// <summary>One α per weight, the paper's default (Achille &amp; Soatto, JMLR 2018, §4.2).</summary>
        PerWeight = 0,

        /// <summary>
        /// One α per output unit (Dense) or output channel (Conv2d), shared by the unit's weights: fewer parameters. Each
        /// weight still counts in Ĩ(w;D), so a unit adds <c>fan-in × KL(α)</c> nats.
        /// </summary>
        PerUnit = 1,
    }
}
