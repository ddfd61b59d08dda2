using System;
using System.Collections.Generic;

namespace Ibex.Runtime.Evaluation
{
    /// <summary>The checks every evaluation runs on what it is given, with messages that name the example and the fix.</summary>
    internal static class ScoreChecks
    {
        /// <summary>As many rows as labels, at least one; every row the same length K ≥ 2; every label in [0, K).</summary>
        public static int Classes(IReadOnlyList<IReadOnlyList<float>> rows, IReadOnlyList<int> labels, string rowsName)
        {
            if (rows.Count != labels.Count)
            {
                throw new ArgumentException($"{rows.Count} rows of {rowsName} but {labels.Count} labels; give one label per row.", nameof(labels));
            }

            if (rows.Count == 0)
            {
                throw new ArgumentException($"No examples: {rowsName} and labels are empty.", nameof(rows));
            }

            int classes = rows[0].Count;
            if (classes < 2)
            {
                throw new ArgumentException($"Each row of {rowsName} needs one value per class, at least 2; row 0 has {classes}.", nameof(rows));
            }

            for (int i = 0; i < rows.Count; i++)
            {
                if (rows[i].Count != classes)
                {
                    throw new ArgumentException($"Row {i} of {rowsName} has {rows[i].Count} values, row 0 has {classes}; every row needs one per class.", nameof(rows));
                }

                for (int k = 0; k < classes; k++)
                {
                    if (!float.IsFinite(rows[i][k]))
                    {
                        throw new ArgumentException($"Row {i} of {rowsName} holds {rows[i][k]} for class {k}; every value must be finite.", nameof(rows));
                    }
                }

                if (labels[i] < 0 || labels[i] >= classes)
                {
                    throw new ArgumentException($"Label {labels[i]} of example {i} is not a class of {classes} (0 … {classes - 1}).", nameof(labels));
                }
            }

            return classes;
        }

        /// <summary>Probabilities: in [0, 1] and summing to 1 within 10⁻³ per row (float32 softmax outputs sum to 1 within far less).</summary>
        public static void Probabilities(IReadOnlyList<IReadOnlyList<float>> probabilities)
        {
            for (int i = 0; i < probabilities.Count; i++)
            {
                double sum = 0;
                for (int k = 0; k < probabilities[i].Count; k++)
                {
                    float p = probabilities[i][k];
                    if (p < 0 || p > 1)
                    {
                        throw new ArgumentException($"Probability {p} of class {k} in row {i} is outside [0, 1]; pass probabilities (a softmax), not logits.", nameof(probabilities));
                    }

                    sum += p;
                }

                if (Math.Abs(sum - 1) > 1e-3)
                {
                    throw new ArgumentException($"The probabilities of row {i} sum to {sum:G6}, not 1; pass each example's class probabilities (a softmax), not logits.", nameof(probabilities));
                }
            }
        }

        /// <summary>Finite values, at least one.</summary>
        public static void Finite(IReadOnlyList<double> values, string name)
        {
            if (values.Count == 0)
            {
                throw new ArgumentException($"No {name}: the list is empty.", name);
            }

            for (int i = 0; i < values.Count; i++)
            {
                if (!double.IsFinite(values[i]))
                {
                    throw new ArgumentException($"{name}[{i}] is {values[i]}; every value must be finite.", name);
                }
            }
        }

        /// <summary>The k (0-based) of the largest value of a row; the first on ties, as <c>argmax</c>.</summary>
        public static int ArgMax(IReadOnlyList<float> row)
        {
            int best = 0;
            for (int k = 1; k < row.Count; k++)
            {
                if (row[k] > row[best])
                {
                    best = k;
                }
            }

            return best;
        }
    }
}
