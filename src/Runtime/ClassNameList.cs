using System;
using System.Collections.Generic;
using System.Linq;

namespace Ibex.Runtime
{
    /// <summary>Checks a list of class names: one per class, none empty, none repeated.</summary>
    internal static class ClassNameList
    {
        public static IReadOnlyList<string> Checked(IReadOnlyList<string> names, int classes, string network)
        {
            if (names.Count != classes)
            {
                throw new ArgumentException($"{network} has {classes} classes, but {names.Count} class names were given: give one name per class, in label order.", nameof(names));
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (int i = 0; i < names.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(names[i]))
                {
                    throw new ArgumentException($"Class name {i} is empty; every class needs a name.", nameof(names));
                }

                if (!seen.Add(names[i]))
                {
                    throw new ArgumentException($"Class name '{names[i]}' is given twice (label {i}); class names must be distinct.", nameof(names));
                }
            }

            return names.ToArray();
        }
    }
}
