using Ibex.Generators.Emitting;
using Ibex.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ibex.Generators
{
    /// <summary>
    /// Generates a TorchSharp module for every class marked <c>[InfoRegularized]</c>. Wiring only: parsing lives in
    /// <see cref="NetworkParser"/>, emitting in <see cref="NetworkEmitter"/>.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class NetworkGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    KnownTypeNames.InfoRegularizedAttribute,
                    // Records, structs and interfaces too, so that the parser can say a network must be a class.
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (syntaxContext, cancellationToken) => NetworkParser.Parse(syntaxContext, cancellationToken))
                .WithTrackingName(TrackingNames.ParseNetwork);

            var networks = parsed
                .Where(static result => result.Network is not null)
                .Select(static (result, _) => result.Network!)
                .WithTrackingName(TrackingNames.Network);

            context.RegisterSourceOutput(networks, static (output, network) =>
                output.AddSource(network.HintName, NetworkEmitter.Emit(network)));

            // A refused network still gets its layer properties (throwing), so that its IBX errors stand alone.
            var fallbacks = parsed
                .Where(static result => result.Fallback is not null)
                .Select(static (result, _) => result.Fallback!)
                .WithTrackingName(TrackingNames.Fallback);

            context.RegisterSourceOutput(fallbacks, static (output, fallback) =>
                output.AddSource(fallback.HintName, FallbackEmitter.Emit(fallback)));

            // Diagnostics go through their own output. Only this cheap step sees the compilation, to turn each stored
            // location back into one in the real syntax tree (so that #pragma warning disable applies).
            var diagnostics = parsed
                .Select(static (result, _) => result.Diagnostics)
                .Where(static list => list.Count > 0)
                .WithTrackingName(TrackingNames.Diagnostics);

            context.RegisterSourceOutput(diagnostics.Combine(context.CompilationProvider), static (output, pair) =>
            {
                foreach (var diagnostic in pair.Left)
                {
                    output.ReportDiagnostic(diagnostic.ToDiagnostic(pair.Right));
                }
            });
        }
    }
}
