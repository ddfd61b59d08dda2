namespace Ibex.Runtime.Data
{
    /// <summary>
    /// Where in-memory examples came from when they were read row by row from one file: example i is row i + 1 (the first
    /// row after the header), its label in <paramref name="LabelColumn"/> and feature j in <paramref name="FeatureColumns"/>[j].
    /// </summary>
    internal sealed record FileRows(string Path, string LabelColumn, string[] FeatureColumns)
    {
        public string Row(long example) => $"row {example + 1}";
    }
}
