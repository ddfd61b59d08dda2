using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Ibex.Runtime.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;

namespace Ibex.Runtime.Tests.Kernels;

/// <summary>The one-pass Adam against TorchSharp's Adam: the same parameters after several steps, and the same saved state.</summary>
public sealed class FusedAdamTests
{
    public FusedAdamTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void StepsLikeTorchSharpsAdamOnTwoGroups()
    {
        using var scope = torch.NewDisposeScope();
        var shapes = new[] { new long[] { 300, 257 }, new long[] { 131 }, new long[] { 3, 65541 } };
        var start = shapes.Select(s => torch.randn(s)).ToList();
        var fused = start.Select(t => new Parameter(t.clone())).ToList();
        var reference = start.Select(t => new Parameter(t.clone())).ToList();
        using var fusedAdam = new FusedAdam(new List<Adam.ParamGroup> { new(fused.Take(2), lr: 1e-3), new(fused.Skip(2), lr: 3e-2) });
        using var adam = torch.optim.Adam(new List<Adam.ParamGroup> { new(reference.Take(2), lr: 1e-3), new(reference.Skip(2), lr: 3e-2) }, lr: 1e-3);

        for (int step = 0; step < 6; step++)
        {
            for (int i = 0; i < shapes.Length; i++)
            {
                var gradient = torch.randn(shapes[i]).mul(Math.Pow(10, Random.Shared.Next(-3, 2)));
                fused[i].grad = gradient.clone();
                reference[i].grad = gradient.clone();
            }

            fusedAdam.step();
            adam.step();
        }

        for (int i = 0; i < shapes.Length; i++)
        {
            Assert.True(torch.allclose(reference[i], fused[i], rtol: 1e-5, atol: 1e-6),
                $"parameter {i}: largest difference {(reference[i] - fused[i]).abs().max().item<float>():G3}");
        }

        // The state saves and loads as Adam's does (checkpoints): a copy resumed from it takes the same next step.
        var copy = fused.Select(p => new Parameter(p.detach().clone())).ToList();
        using var resumed = new FusedAdam(new List<Adam.ParamGroup> { new(copy.Take(2), lr: 1e-3), new(copy.Skip(2), lr: 3e-2) });
        using (var saved = new MemoryStream())
        {
            fusedAdam.save_state_dict(new BinaryWriter(saved));
            saved.Position = 0;
            resumed.load_state_dict(new BinaryReader(saved));
        }

        for (int i = 0; i < shapes.Length; i++)
        {
            var gradient = torch.randn(shapes[i]);
            fused[i].grad = gradient.clone();
            copy[i].grad = gradient.clone();
        }

        fusedAdam.step();
        resumed.step();
        Assert.All(Enumerable.Range(0, shapes.Length), i => Assert.True(fused[i].Equals(copy[i]), $"parameter {i} after resuming"));
    }
}
