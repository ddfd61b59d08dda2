namespace Ibex.Runtime.Evaluation
{
    /// <summary>One bin of a reliability diagram: the examples whose confidence fell in (<paramref name="Lower"/>, <paramref name="Upper"/>].</summary>
    /// <param name="Lower">The bin's lower confidence edge (the first bin also holds confidence exactly 0).</param>
    /// <param name="Upper">The bin's upper confidence edge.</param>
    /// <param name="Count">How many examples fell in the bin.</param>
    /// <param name="MeanConfidence">Their mean confidence (the top class's probability); NaN for an empty bin.</param>
    /// <param name="Accuracy">The fraction of them whose top class was right; NaN for an empty bin.</param>
    public sealed record ReliabilityBin(double Lower, double Upper, int Count, double MeanConfidence, double Accuracy);
}
