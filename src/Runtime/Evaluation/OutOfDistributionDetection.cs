namespace Ibex.Runtime.Evaluation
{
    /// <summary>
    /// How well a score separates out-of-distribution inputs (the positives, expected to score higher) from
    /// in-distribution ones (Hendrycks &amp; Gimpel, ICLR 2017).
    /// </summary>
    /// <param name="AreaUnderRoc">AUROC: P(an OOD score &gt; an in-distribution score) + ½·P(equal). 0.5 is chance, 1 perfect.</param>
    /// <param name="AreaUnderPrecisionRecallOut">AUPR with OOD inputs as positives: the average precision
    /// Σₜ (Rₜ − Rₜ₋₁)·Pₜ over thresholds t from the highest score down, each counting every input scoring ≥ t.</param>
    /// <param name="AreaUnderPrecisionRecallIn">AUPR with in-distribution inputs as positives and the score negated.</param>
    /// <param name="FalsePositiveRateAt95">FPR95: the fraction of in-distribution inputs flagged at the highest threshold
    /// that flags at least 95% of the OOD ones.</param>
    /// <param name="InDistribution">How many in-distribution inputs were scored.</param>
    /// <param name="OutOfDistribution">How many OOD inputs were scored.</param>
    public sealed record OutOfDistributionDetection(double AreaUnderRoc, double AreaUnderPrecisionRecallOut, double AreaUnderPrecisionRecallIn,
        double FalsePositiveRateAt95, int InDistribution, int OutOfDistribution);
}
