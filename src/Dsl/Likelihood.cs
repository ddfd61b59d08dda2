namespace Ibex.Dsl
{
    /// <summary>
    /// How a network's outputs give the probability of a target, p(y | x, w): training minimizes the mean negative
    /// log-likelihood −log p(y | x, w) plus <c>(β / N)·Ĩ(w;D)</c> (Achille &amp; Soatto, JMLR 2018, eq. 3, with the
    /// cross-entropy being the categorical case).
    /// </summary>
#if IBEX_GENERATOR
    internal enum Likelihood
#else
    public enum Likelihood
#endif
    {
        /// <summary>One score per class; p(y = k) = softmax(scores)_k and the loss is the cross-entropy. Labels are class indices.</summary>
        Categorical = 0,

        /// <summary>
        /// Regression with one learned noise variance per target (homoscedastic): the outputs are the means μ, and
        /// <c>−log p(y) = ½·(log 2π + log σ² + (y − μ)² / σ²)</c> per target, log σ² a parameter of the network. Targets are
        /// real numbers, one column per output.
        /// </summary>
        Gaussian = 1,

        /// <summary>
        /// Regression where the network predicts the noise too (heteroscedastic): the last layer gives 2 outputs per target,
        /// the means μ first, then the log-variances log σ²(x); the loss is the Gaussian one above with σ² = σ²(x).
        /// </summary>
        HeteroscedasticGaussian = 2,

        /// <summary>
        /// Multi-label classification: one independent yes/no per output, p(y_j = 1) = sigmoid(score_j), and the loss is the
        /// binary cross-entropy summed over the labels. Targets are 0 or 1, one column per output.
        /// </summary>
        Bernoulli = 3,
    }
}
