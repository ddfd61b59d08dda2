using Ibex.Generators.Diagnostics;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ibex.CodeFixes
{
    /// <summary>IBX0118: renames a misspelled layer attribute ([Conv2D], [Relu]) to the one the diagnostic suggests.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RenameMisspelledAttributeCodeFix)), Shared]
    public sealed class RenameMisspelledAttributeCodeFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticDescriptors.MisspelledLayerAttribute.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var attribute = root?.FindNode(context.Span).AncestorsAndSelf().OfType<AttributeSyntax>().FirstOrDefault();
            if (root is null || attribute is null)
            {
                return;
            }

            // The last identifier of the name, as typed: Conv2D in [Conv2D(4, 3)] or [Ibex.Dsl.Conv2D(4, 3)]; the generator
            // puts the attribute it means in the diagnostic's properties.
            var typedName = attribute.Name is QualifiedNameSyntax qualified ? qualified.Right : attribute.Name as SimpleNameSyntax;
            if (typedName is null || !context.Diagnostics[0].Properties.TryGetValue(DiagnosticProperties.Suggestion, out var meant) || string.IsNullOrEmpty(meant))
            {
                return;
            }

            context.RegisterCodeFix(
                CodeAction.Create($"Change to [{meant}]", _ =>
                {
                    var renamed = typedName.WithIdentifier(SyntaxFactory.Identifier(typedName.Identifier.LeadingTrivia, meant!, typedName.Identifier.TrailingTrivia));
                    return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(typedName, renamed)));
                }, nameof(RenameMisspelledAttributeCodeFix) + meant),
                context.Diagnostics);
        }
    }
}
