using System;
using Ibex.Runtime.Data;

namespace Ibex.Runtime.Training
{
    /// <summary>
    /// Refuses classification that cannot learn anything: with one class score, or one class in the training data, the
    /// softmax puts all mass on that class, the cross-entropy is 0 from the first step and the accuracy 1 whatever the weights.
    /// </summary>
    internal static class ClassCoverage
    {
        public static void Require(NetworkDescription network, ITrainingSet train)
        {
            if (network.Likelihood != Dsl.Likelihood.Categorical)
            {
                return;
            }

            if (network.Classes < 2)
            {
                throw new ArgumentException(
                    $"{network.Name} ends in {network.Classes} class score: classification with the categorical cross-entropy needs at least two classes " +
                    "(a single score's softmax is always 1). End the network in a Dense layer of one unit per class.", nameof(network));
            }

            if (train is LabeledData data)
            {
                using var lowest = data.Labels.min();
                using var highest = data.Labels.max();
                long only = lowest.item<long>();
                if (only == highest.item<long>())
                {
                    string name = data.ClassNames is { } names && only < names.Count ? $"'{names[(int)only]}'" : only.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    throw new ArgumentException(
                        $"The training data holds one class only (class {name}, all {data.Count} examples): a classifier trained on it learns nothing " +
                        "(its cross-entropy is 0 and its accuracy 1 from the first step). Give it examples of at least two classes.", nameof(train));
                }
            }
        }
    }
}
