using System;

namespace Ibex.Runtime.Hosting
{
    /// <summary>The configured device does not exist on this machine.</summary>
    internal sealed class DeviceUnavailableException(string message, Exception inner) : Exception(message, inner);
}
