using System.ComponentModel;
using TorchSharp;

namespace Ibex.Runtime.CompilerServices
{
    /// <summary>Generated training passes' BatchNorm over images; the kernel is <c>Kernels.BatchNormalization</c>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static class BatchNormalization
    {
        /// <summary>Normalizes <paramref name="input"/> with its batch statistics and moves the running ones towards them.</summary>
        public static torch.Tensor Train(torch.Tensor input, torch.Tensor runningMean, torch.Tensor runningVariance, torch.Tensor weight, torch.Tensor bias, double momentum, double epsilon)
            => Kernels.BatchNormalization.Train(input, runningMean, runningVariance, weight, bias, momentum, epsilon);

        /// <summary><see cref="Train"/> followed by a ReLU in the same passes.</summary>
        public static torch.Tensor TrainRectified(torch.Tensor input, torch.Tensor runningMean, torch.Tensor runningVariance, torch.Tensor weight, torch.Tensor bias, double momentum, double epsilon)
            => Kernels.BatchNormalization.TrainRectified(input, runningMean, runningVariance, weight, bias, momentum, epsilon);
    }
}
