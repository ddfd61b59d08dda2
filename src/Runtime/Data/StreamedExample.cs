namespace Ibex.Runtime.Data
{
    /// <summary>One example read from a file by <see cref="StreamingData"/>: its features, flat, and its class.</summary>
    public readonly record struct StreamedExample(float[] Features, long Label);
}
