using Ibex.Generators.Diagnostics;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ibex.CodeFixes
{
    /// <summary>IBX0001: adds <c>partial</c> to a network class, just before <c>class</c> as C# requires.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPartialCodeFix)), Shared]
    public sealed class AddPartialCodeFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds => ImmutableArray.Create(DiagnosticDescriptors.NetworkMustBePartial.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var declaration = root?.FindToken(context.Span.Start).Parent?.AncestorsAndSelf().OfType<ClassDeclarationSyntax>().FirstOrDefault();
            if (root is null || declaration is null || declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return;
            }

            context.RegisterCodeFix(
                CodeAction.Create($"Make '{declaration.Identifier.ValueText}' partial", token => AddPartial(context.Document, root, declaration, token), nameof(AddPartialCodeFix)),
                context.Diagnostics);
        }

        private static Task<Document> AddPartial(Document document, SyntaxNode root, ClassDeclarationSyntax declaration, CancellationToken cancellationToken)
        {
            var partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
            var updated = declaration.Modifiers.Count == 0
                ? declaration.WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(declaration.Keyword.LeadingTrivia)))
                    .WithKeyword(declaration.Keyword.WithLeadingTrivia())
                : declaration.WithModifiers(declaration.Modifiers.Add(partial));
            return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(declaration, updated)));
        }
    }
}
