namespace Ibex.Runtime.Evaluation
{
    /// <summary>How good and how honest a multi-label predictive is for one label (<see cref="MultiLabelEvaluation.Evaluate"/>).</summary>
    /// <param name="Examples">How many examples were scored.</param>
    /// <param name="Prevalence">The share of examples that carry the label: the accuracy of always answering "present".</param>
    /// <param name="Accuracy">The share answered right, the label predicted present when p &gt; ½.</param>
    /// <param name="NegativeLogLikelihood">The binary cross-entropy −(1/n)·Σ [y·log p + (1 − y)·log(1 − p)] in nats, each
    /// probability floored at 10⁻¹².</param>
    /// <param name="BrierScore">(1/n)·Σ (p − y)²: 0 is perfect, ¼ what p = ½ scores, 1 the worst.</param>
    /// <param name="ExpectedCalibrationError">ECE over the answer's confidence max(p, 1 − p) in equal-width bins, as
    /// <see cref="Calibration.Evaluate"/> computes it for two classes.</param>
    /// <param name="AreaUnderRoc">P(p of an example with the label &gt; p of one without) + ½·P(equal); NaN when every
    /// example scored has the label or none has.</param>
    public sealed record LabelScores(int Examples, double Prevalence, double Accuracy, double NegativeLogLikelihood, double BrierScore,
        double ExpectedCalibrationError, double AreaUnderRoc);
}
