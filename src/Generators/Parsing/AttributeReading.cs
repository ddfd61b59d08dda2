using System;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ibex.Generators.Parsing
{
    /// <summary>Small readers over attribute data and symbol names, shared by the network and layer parsers.</summary>
    internal static class AttributeReading
    {
        /// <summary>
        /// A property's accessibility keywords (and <c>static</c> when asked) exactly as declared: a generated part of a
        /// partial property must repeat them.
        /// </summary>
        public static string ModifierText(PropertyDeclarationSyntax syntax, bool includeStatic)
            => string.Join(" ", syntax.Modifiers
                .Where(m => m.IsKind(SyntaxKind.PublicKeyword) || m.IsKind(SyntaxKind.InternalKeyword) || m.IsKind(SyntaxKind.ProtectedKeyword)
                            || m.IsKind(SyntaxKind.PrivateKeyword) || (includeStatic && m.IsKind(SyntaxKind.StaticKeyword)))
                .Select(m => m.Text));

        /// <summary>Whether the named argument <paramref name="name"/> was written at all (unset arguments inherit).</summary>
        public static bool HasNamedArgument(AttributeData attribute, string name)
            => attribute.NamedArguments.Any(a => a.Key == name);

        public static object? NamedArgument(AttributeData attribute, string name)
            => attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value;

        public static bool DerivesFrom(INamedTypeSymbol? type, string metadataName)
        {
            for (var current = type?.BaseType; current is not null; current = current.BaseType)
            {
                if (FullName(current) == metadataName)
                {
                    return true;
                }
            }

            return false;
        }

        public static bool IsType(ITypeSymbol? type, string metadataName) => type is not null && FullName(type) == metadataName;

        public static string FullName(ITypeSymbol type)
            => type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." + type.MetadataName : type.MetadataName;

        public static string ShortName(INamedTypeSymbol attributeClass)
            => attributeClass.Name.EndsWith("Attribute", StringComparison.Ordinal) ? attributeClass.Name.Substring(0, attributeClass.Name.Length - "Attribute".Length) : attributeClass.Name;

        public static bool InRange(double value, double min, double max) => !double.IsNaN(value) && value >= min && value <= max;

        public static bool IsFinite(double value) => !double.IsNaN(value) && !double.IsInfinity(value);

        public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
