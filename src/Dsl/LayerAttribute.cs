using System;

namespace Ibex.Dsl
{
    /// <summary>The base of every layer attribute. A layer property carries exactly one.</summary>
    [AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
    public abstract class LayerAttribute : Attribute
    {
    }
}
