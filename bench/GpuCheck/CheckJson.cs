using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace Ibex.Bench.GpuCheck;

[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(double[]))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(float))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
internal sealed partial class CheckJson : JsonSerializerContext
{
}
