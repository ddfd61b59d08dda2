using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ibex.Runtime.Distributed
{
    /// <summary>
    /// The gradients of a network's parameters laid out in a few flat buffers, each parameter's <c>.grad</c> a view into
    /// one, so that a step's gradients are summed over the ranks with one allreduce per buffer, in place, with no copy
    /// (as PyTorch's DistributedDataParallel does with <c>gradient_as_bucket_view</c>). Autograd accumulates into an existing
    /// <c>.grad</c> in place, so backward writes straight into the buffers.
    /// </summary>
    internal sealed class GradientBuckets : IDisposable
    {
        /// <summary>Bytes per buffer: large enough that a call's latency is paid rarely, small enough to stay in a cache level of the reduction.</summary>
        public const long DefaultBucketBytes = 32L << 20;

        private readonly Bucket[] buckets;

        /// <summary>Lays out the gradients of <paramref name="parameters"/> (those that require one) in order, by device and type.</summary>
        public GradientBuckets(IEnumerable<Parameter> parameters, long bucketBytes = DefaultBucketBytes)
        {
            var groups = new List<List<Parameter>>();
            long bytes = 0;
            foreach (var parameter in parameters.Where(p => p.requires_grad))
            {
                var current = groups.Count == 0 ? null : groups[^1];
                long size = parameter.numel() * parameter.element_size();
                bool fits = current is not null && current[0].dtype == parameter.dtype && current[0].device_type == parameter.device_type
                    && current[0].device_index == parameter.device_index && bytes + size <= bucketBytes;
                if (!fits)
                {
                    groups.Add(current = new List<Parameter>());
                    bytes = 0;
                }

                current!.Add(parameter);
                bytes += size;
            }

            buckets = groups.Select(group => new Bucket(group)).ToArray();
        }

        /// <summary>Number of buffers (one allreduce each per step).</summary>
        public int Count => buckets.Length;

        /// <summary>
        /// Zeroes every buffer and makes each parameter's <c>.grad</c> its view again where something replaced or cleared it
        /// (<c>zero_grad</c> sets gradients to none), by setting every <c>.grad</c> to its view; call before each step's backward.
        /// </summary>
        public void ZeroAndAttach()
        {
            foreach (var bucket in buckets)
            {
                bucket.Flat.zero_();
                foreach (var (parameter, view) in bucket.Members)
                {
                    parameter.grad = view;
                }
            }
        }

        /// <summary>Sums every buffer over the ranks of <paramref name="group"/>, in place.</summary>
        public void AllreduceSum(DataParallelGroup group, string purpose)
        {
            foreach (var bucket in buckets)
            {
                group.AllreduceSum(bucket.Flat, purpose);
            }
        }

        public void Dispose()
        {
            foreach (var bucket in buckets)
            {
                foreach (var (parameter, view) in bucket.Members)
                {
                    // The last gradients stay, detached from the buffer that is freed here.
                    using (var current = parameter.grad)
                    {
                        if (current is not null)
                        {
                            parameter.grad = current.clone();
                        }
                    }

                    view.Dispose();
                }

                bucket.Flat.Dispose();
            }
        }

        private sealed class Bucket
        {
            public Bucket(List<Parameter> parameters)
            {
                long total = parameters.Sum(p => p.numel());
                Flat = torch.zeros(new[] { total }, parameters[0].dtype, parameters[0].device).DetachFromDisposeScope();
                long offset = 0;
                Members = parameters.Select(parameter =>
                {
                    var view = Flat.narrow(0, offset, parameter.numel()).view(parameter.shape).DetachFromDisposeScope();
                    offset += parameter.numel();
                    return (parameter, view);
                }).ToArray();
            }

            public Tensor Flat { get; }

            public (Parameter Parameter, Tensor View)[] Members { get; }
        }
    }
}
