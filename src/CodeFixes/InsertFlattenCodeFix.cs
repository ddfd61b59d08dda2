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
    /// <summary>IBX0111: declares a <c>[Flatten]</c> layer just before a Dense layer that follows an image-shaped one.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertFlattenCodeFix)), Shared]
    public sealed class InsertFlattenCodeFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticDescriptors.DenseNeedsFlatInput.Id);

        public override FixAllProvider? GetFixAllProvider() => null;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var dense = root?.FindToken(context.Span.Start).Parent?.AncestorsAndSelf().OfType<PropertyDeclarationSyntax>().FirstOrDefault();
            if (root is null || dense?.Parent is not TypeDeclarationSyntax type)
            {
                return;
            }

            string name = UnusedName(type, "Flatten");
            context.RegisterCodeFix(
                CodeAction.Create($"Insert [Flatten] before '{dense.Identifier.ValueText}'", _ =>
                {
                    // The new layer repeats the Dense property's modifiers and type, so that it is declared the same way.
                    var flatten = SyntaxFactory.ParseMemberDeclaration($"[Flatten] {dense.Modifiers.ToFullString().Trim()} {dense.Type.ToString()} {name} {{ get; }}")!
                        .WithLeadingTrivia(dense.GetLeadingTrivia())
                        .WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed);
                    return Task.FromResult(context.Document.WithSyntaxRoot(root.InsertNodesBefore(dense, new[] { flatten })));
                }, nameof(InsertFlattenCodeFix)),
                context.Diagnostics);
        }

        private static string UnusedName(TypeDeclarationSyntax type, string stem)
        {
            var taken = type.Members.OfType<PropertyDeclarationSyntax>().Select(p => p.Identifier.ValueText).ToImmutableHashSet();
            string name = stem;
            for (int i = 2; taken.Contains(name); i++)
            {
                name = stem + i;
            }

            return name;
        }
    }
}
