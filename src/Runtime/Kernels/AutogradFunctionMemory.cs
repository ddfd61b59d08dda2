using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using static TorchSharp.torch;

namespace Ibex.Runtime.Kernels
{
    /// <summary>
    /// Frees what TorchSharp keeps around a custom autograd function (the kernels' activation-sized ones: the local
    /// reparameterization sample, Information Dropout) as soon as nothing can read it, as PyTorch does for its own functions:
    /// <list type="bullet">
    /// <item>the copy of each output: for every output of a function that records a backward, TorchSharp 0.107 allocates an
    /// uninitialized tensor of the output's size and keeps it with the graph node, only to build zeros if the backward gets
    /// no gradient for that output with <c>materialize_grads</c> on. A function that turns that off (and takes a missing
    /// gradient as zeros) never reads it, so it goes when <c>apply</c> returns (<see cref="Applied"/>);</item>
    /// <item>the handles the forward made: they would stay in the caller's dispose scope to the end of the step;</item>
    /// <item>the saved tensors, once the function's backward has run: TorchSharp's node releases them only when the graph
    /// itself goes, after the whole backward, where PyTorch releases each node's as soon as it has run
    /// (<see cref="BackwardDone"/>);</item>
    /// <item>the handles of the gradients the backward received and returned, once autograd has taken them: at the next
    /// function's backward, or when the network's backward ends (<see cref="ReleasePending"/>).</item>
    /// </list>
    /// In the ResNet-style bench network at batch 128, the copies alone were 61 MiB and the saved tensors and gradient handles
    /// lifted the step's peak allocation about 100 MiB above what the forward held.
    /// </summary>
    /// <remarks>
    /// The copies and the saved tensors are private to TorchSharp (<c>AutogradContext._node</c>, <c>Node&lt;T&gt;._outputCache</c>,
    /// <c>AutogradContext._savedVariables</c>); there is no public way to reach them. Should a TorchSharp version rename those
    /// fields, nothing is freed early (the step is as before) and <c>AutogradFunctionMemoryTests</c> fails. A backward with
    /// <c>retain_graph</c> cannot run twice through these functions.
    /// </remarks>
    internal static class AutogradFunctionMemory
    {
        private const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;

        private static readonly FieldInfo? NodeOfContext = typeof(autograd.AutogradContext).GetField("_node", Private);

        private static readonly FieldInfo? SavedOfContext = typeof(autograd.AutogradContext).GetField("_savedVariables", Private);

        private static readonly MethodInfo? ResetSavedData = typeof(autograd.AutogradContext).Assembly
            .GetType("TorchSharp.torch+autograd+SavedVariable")?.GetMethod("reset_data", BindingFlags.Instance | BindingFlags.Public);

        [ThreadStatic]
        private static autograd.AutogradContext? forwarded;

        [ThreadStatic]
        private static List<Tensor>? afterApply;

        [ThreadStatic]
        private static List<Tensor>? pending;

        /// <summary>
        /// In a forward: turns off <c>materialize_grads</c> (the backward must take a missing gradient as zeros) and
        /// remembers the context and the handles to drop once <c>apply</c> has wrapped the outputs and saved the tensors.
        /// </summary>
        public static void Forwarding(autograd.AutogradContext context, params Tensor[] dropAfterApply)
        {
            context.set_materialize_grads(false);
            forwarded = context;
            (afterApply ??= new List<Tensor>()).AddRange(dropAfterApply);
        }

        /// <summary>After <c>apply</c> returned: frees the output copies and the forward's handles.</summary>
        public static void Applied()
        {
            if (forwarded is { } context)
            {
                ReleaseOutputCopies(context);
            }

            forwarded = null;
            DisposeAll(afterApply);
        }

        /// <summary>At the start of a backward: the handles of the previous backward's gradients, which autograd has taken by now.</summary>
        public static void BackwardStarting() => DisposeAll(pending);

        /// <summary>
        /// At the end of a backward: releases the node's saved tensors and the unpacked handles, and queues the gradients'
        /// handles (received and returned) for release once autograd has taken them.
        /// </summary>
        public static void BackwardDone(autograd.AutogradContext context, List<Tensor> saved, List<Tensor> gradOutputs, List<Tensor> gradients)
        {
            if (ResetSavedData is not null && SavedOfContext?.GetValue(context) is IList variables)
            {
                foreach (var variable in variables)
                {
                    if (variable is not null)
                    {
                        ResetSavedData.Invoke(variable, null);
                    }
                }
            }

            DisposeAll(saved);
            pending ??= new List<Tensor>();
            pending.AddRange(gradOutputs.Concat(gradients).Where(tensor => tensor is { IsInvalid: false }));
        }

        /// <summary>When a backward has ended: the gradient handles still queued.</summary>
        public static void ReleasePending() => DisposeAll(pending);

        /// <summary>Disposes the output copies of the node whose forward received <paramref name="context"/>; returns how many.</summary>
        internal static int ReleaseOutputCopies(autograd.AutogradContext context)
        {
            if (NodeOfContext?.GetValue(context) is not { } node || node.GetType().GetField("_outputCache", Private) is not { } field
                || field.GetValue(node) is not IList cache)
            {
                return 0;
            }

            int freed = 0;
            for (int i = 0; i < cache.Count; i++)
            {
                if (cache[i] is Tensor copy)
                {
                    copy.Dispose();
                    cache[i] = null;
                    freed++;
                }
            }

            return freed;
        }

        private static void DisposeAll(List<Tensor>? tensors)
        {
            if (tensors is null)
            {
                return;
            }

            foreach (var tensor in tensors)
            {
                tensor?.Dispose();
            }

            tensors.Clear();
        }
    }
}
