using Ibex.Dsl;

namespace Ibex.Runtime.Likelihoods
{
    /// <summary>
    /// What reports, logs and telemetry call the loss's data term, the mean negative log-likelihood: the cross-entropy of a
    /// classifier, the binary cross-entropy of a multi-label network, the Gaussian NLL of a regression network.
    /// </summary>
    public static class DataTerm
    {
        /// <summary>The name for people: "cross-entropy", "binary cross-entropy" or "Gaussian NLL".</summary>
        public static string Label(Likelihood likelihood) => likelihood switch
        {
            Likelihood.Categorical => "cross-entropy",
            Likelihood.Bernoulli => "binary cross-entropy",
            _ => "Gaussian NLL",
        };

        /// <summary>The name in tags and metric names: "cross_entropy", "binary_cross_entropy" or "negative_log_likelihood".</summary>
        public static string Tag(Likelihood likelihood) => likelihood switch
        {
            Likelihood.Categorical => "cross_entropy",
            Likelihood.Bernoulli => "binary_cross_entropy",
            _ => "negative_log_likelihood",
        };

        /// <summary>The short name of a progress line: "CE", "BCE" or "NLL".</summary>
        public static string Short(Likelihood likelihood) => likelihood switch
        {
            Likelihood.Categorical => "CE",
            Likelihood.Bernoulli => "BCE",
            _ => "NLL",
        };
    }
}
