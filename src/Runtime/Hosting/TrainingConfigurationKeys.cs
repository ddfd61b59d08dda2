using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Ibex.Generators.Parsing;
using Microsoft.Extensions.Configuration;

namespace Ibex.Runtime.Hosting
{
    /// <summary>
    /// Refuses configuration that the binder would silently ignore: a key under <c>Ibex:Training</c> that is no setting (a
    /// typo, or a key at the wrong level, with a did-you-mean), a list where a single value belongs (<c>"Epochs": [3]</c>),
    /// a value where a section belongs (<c>"Data": "abc"</c>), and a section under <c>Ibex</c> that Ibex does not read.
    /// Keys compare without case, as configuration does.
    /// </summary>
    internal static class TrainingConfigurationKeys
    {
        /// <summary>The sections under <c>Ibex</c>: the hosted trainer's and the prediction service's.</summary>
        private static readonly string[] IbexSections = { "Training", "Prediction" };

        /// <summary>Every setting's path under <c>Ibex:Training</c> ("Epochs", "Data:Source"), and whether it is a section.</summary>
        private static readonly Dictionary<string, bool> Known = KnownPaths();

        /// <summary>One line per key that is not a setting or has the wrong form; empty when every key is one.</summary>
        public static List<string> Problems(IConfiguration root)
        {
            var problems = new List<string>();
            var ibex = root.GetSection("Ibex");
            foreach (var child in ibex.GetChildren())
            {
                if (!IbexSections.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
                {
                    string? meant = NearMiss.Closest(child.Key, IbexSections);
                    problems.Add($"Ibex:{child.Key} is not a section Ibex reads (it reads Ibex:Training and Ibex:Prediction)" + (meant is null ? "." : $"; did you mean Ibex:{meant}?"));
                }
            }

            Check(ibex.GetSection("Training"), "", problems);
            return problems;
        }

        private static void Check(IConfigurationSection section, string prefix, List<string> problems)
        {
            foreach (var child in section.GetChildren())
            {
                string path = prefix + child.Key;
                string full = $"{TrainingOptions.SectionName}:{path}";
                bool hasChildren = child.GetChildren().Any();
                if (!Known.TryGetValue(path, out bool isSection))
                {
                    string suggestion = Suggestion(path);
                    problems.Add($"{full} is not a setting of the hosted trainer{(suggestion.Length == 0 ? "." : suggestion)}");
                }
                else if (isSection && child.Value is { Length: > 0 } value)
                {
                    problems.Add($"{full} = {value}: {full} is a section, not a value; set its keys, such as {full}:{Known.Keys.First(k => k.StartsWith(path + ":", StringComparison.OrdinalIgnoreCase)).Substring(path.Length + 1)}.");
                }
                else if (isSection)
                {
                    Check(child, path + ":", problems);
                }
                else if (hasChildren)
                {
                    problems.Add($"{full} is given as a list or section ({string.Join(", ", child.GetChildren().Select(c => $"{full}:{c.Key}"))}), but it takes a single value.");
                }
            }
        }

        /// <summary>"; did you mean …": the same key at another level first (a key put in the wrong section), else the nearest spelling.</summary>
        private static string Suggestion(string path)
        {
            string leaf = path.Substring(path.LastIndexOf(':') + 1);
            string? moved = Known.Keys.FirstOrDefault(k => !Known[k] && string.Equals(k.Substring(k.LastIndexOf(':') + 1), leaf, StringComparison.OrdinalIgnoreCase));
            if (moved is not null)
            {
                return $"; did you mean {TrainingOptions.SectionName}:{moved}?";
            }

            string parent = path.Contains(':') ? path.Substring(0, path.LastIndexOf(':') + 1) : "";
            var siblings = Known.Keys.Where(k => k.StartsWith(parent, StringComparison.OrdinalIgnoreCase) && !k.Substring(parent.Length).Contains(':'));
            string? meant = NearMiss.Closest(path, siblings);
            return meant is null ? "" : $"; did you mean {TrainingOptions.SectionName}:{meant}?";
        }

        private static Dictionary<string, bool> KnownPaths()
        {
            var paths = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
            Add(typeof(TrainingOptions), "");
            return paths;

            void Add(Type type, string prefix)
            {
                foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    if (property.GetMethod is null || !property.GetMethod.IsPublic)
                    {
                        continue;
                    }

                    bool section = property.PropertyType.IsClass && property.PropertyType != typeof(string) && property.PropertyType.Namespace == typeof(TrainingOptions).Namespace;
                    paths[prefix + property.Name] = section;
                    if (section)
                    {
                        Add(property.PropertyType, prefix + property.Name + ":");
                    }
                }
            }
        }
    }
}
