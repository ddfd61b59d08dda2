using System;
using System.Globalization;
using Ibex.Runtime.Data;

namespace Ibex.Examples;

/// <summary>The example's command line: <c>--epochs N --beta B --seed S --data DIR</c>, all optional.</summary>
internal sealed record ExampleOptions(int Epochs, double? Beta, long Seed, string DataDirectory)
{
    public static ExampleOptions Parse(string[] args)
    {
        var options = new ExampleOptions(Epochs: 20, Beta: null, Seed: 1, DataDirectory: FashionMnist.DefaultDirectory);
        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            if (i + 1 >= args.Length)
            {
                throw new ArgumentException($"Option {name} needs a value. Usage: [--epochs N] [--beta B] [--seed S] [--data DIR]");
            }

            string value = args[++i];
            options = name switch
            {
                "--epochs" => options with { Epochs = ParseInt(name, value) },
                "--beta" => options with { Beta = double.Parse(value, CultureInfo.InvariantCulture) },
                "--seed" => options with { Seed = ParseInt(name, value) },
                "--data" => options with { DataDirectory = value },
                _ => throw new ArgumentException($"Unknown option {name}. Usage: [--epochs N] [--beta B] [--seed S] [--data DIR]"),
            };
        }

        return options;
    }

    private static int ParseInt(string name, string value)
        => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int result)
            ? result
            : throw new ArgumentException($"Option {name} takes a whole number, not '{value}'.");
}
