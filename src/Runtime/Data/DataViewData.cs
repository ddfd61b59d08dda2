using System;
using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    /// <summary>
    /// Reads labelled examples from an ML.NET <see cref="IDataView"/>: a features column of float vectors (ML.NET's usual
    /// "Features", for example after <c>Concatenate</c>) or of single floats, and a label column of integers, of floats
    /// that hold whole numbers, or of an ML.NET key type (whose values 1 … K become labels 0 … K−1). A missing column, a
    /// column of another type, a features vector of another length or a label that is no class index is an
    /// <see cref="ArgumentException"/> naming the column and the row.
    /// </summary>
    public static class DataViewData
    {
        /// <summary>Loads every row of <paramref name="view"/>.</summary>
        public static LabeledData Load(IDataView view, string labelColumn = "Label", string featuresColumn = "Features")
        {
            ArgumentNullException.ThrowIfNull(view);
            var label = Column(view, labelColumn, "label");
            var features = Column(view, featuresColumn, "features");
            var labels = new List<long>();
            using var cursor = view.GetRowCursor(new[] { label, features });
            var readLabel = LabelGetter(cursor, label);
            var featureValues = new FlatColumn(cursor, features);
            while (cursor.MoveNext())
            {
                labels.Add(readLabel(cursor.Position));
                featureValues.ReadRow(cursor.Position);
            }

            if (labels.Count == 0 || featureValues.Width <= 0)
            {
                throw new ArgumentException("The data view has no rows with features.", nameof(view));
            }

            return new LabeledData(featureValues.ToTensor(labels.Count), torch.tensor(labels.ToArray()));
        }

        /// <summary>
        /// Loads every row of <paramref name="view"/> with real-valued targets (a regression network's, or a multi-label
        /// network's 0s and 1s): the target column holds a Single per row, or a vector of Single for several targets.
        /// </summary>
        public static LabeledData LoadTargets(IDataView view, string targetColumn = "Label", string featuresColumn = "Features")
        {
            ArgumentNullException.ThrowIfNull(view);
            var target = Column(view, targetColumn, "target");
            var features = Column(view, featuresColumn, "features");
            using var cursor = view.GetRowCursor(new[] { target, features });
            var featureValues = new FlatColumn(cursor, features);
            var targetValues = new FlatColumn(cursor, target);
            long rows = 0;
            while (cursor.MoveNext())
            {
                featureValues.ReadRow(cursor.Position);
                targetValues.ReadRow(cursor.Position);
                rows++;
            }

            if (rows == 0 || featureValues.Width <= 0 || targetValues.Width <= 0)
            {
                throw new ArgumentException("The data view has no rows with features and targets.", nameof(view));
            }

            return new LabeledData(featureValues.ToTensor(rows), targetValues.ToTensor(rows));
        }

        /// <summary>A column of floats (a vector or one per row) read row by row into one flat list, every row as wide as the first.</summary>
        private sealed class FlatColumn(DataViewRowCursor cursor, DataViewSchema.Column column)
        {
            private readonly Action<List<float>> read = FeaturesGetter(cursor, column);
            private readonly List<float> row = new();
            private readonly List<float> values = new();

            /// <summary>Values per row, −1 before the first.</summary>
            public long Width { get; private set; } = -1;

            public void ReadRow(long position)
            {
                row.Clear();
                read(row);
                if (Width < 0)
                {
                    Width = row.Count;
                }
                else if (row.Count != Width)
                {
                    throw new ArgumentException($"Row {position} of column '{column.Name}' has {row.Count} values, but row 0 has {Width}; every row needs as many.", "view");
                }

                values.AddRange(row);
            }

            public torch.Tensor ToTensor(long rows) => torch.tensor(values.ToArray(), new[] { rows, Width });
        }

        private static DataViewSchema.Column Column(IDataView view, string name, string role)
            => view.Schema.GetColumnOrNull(name) ?? throw new ArgumentException(
                $"The data view has no {role} column '{name}'; its columns are {string.Join(", ", EnumerateNames(view.Schema))}.", nameof(view));

        private static IEnumerable<string> EnumerateNames(DataViewSchema schema)
        {
            foreach (var column in schema)
            {
                if (!column.IsHidden)
                {
                    yield return $"'{column.Name}' ({column.Type})";
                }
            }
        }

        private static Func<long, long> LabelGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
        {
            string name = column.Name;
            long Checked(double value, long row) => value >= 0 && value == Math.Floor(value) && value <= int.MaxValue
                ? (long)value
                : throw new ArgumentException($"Row {row} of label column '{name}' is {value}, which is no class index (a whole number 0 … K−1).", "view");

            Func<long, long> Numeric<T>(Func<T, double> toDouble)
            {
                var get = cursor.GetGetter<T>(column);
                T value = default!;
                return row =>
                {
                    get(ref value);
                    return Checked(toDouble(value), row);
                };
            }

            switch (column.Type)
            {
                case KeyDataViewType:
                {
                    var get = cursor.GetGetter<uint>(column);
                    uint key = 0;
                    return row =>
                    {
                        get(ref key);
                        return key > 0 ? key - 1 : throw new ArgumentException($"Row {row} of label column '{name}' has the missing key value.", "view");
                    };
                }
                case var type when type == NumberDataViewType.Int32:
                    return Numeric<int>(value => value);
                case var type when type == NumberDataViewType.Int64:
                    return Numeric<long>(value => value);
                case var type when type == NumberDataViewType.Single:
                    return Numeric<float>(value => value);
                case var type when type == NumberDataViewType.Double:
                    return Numeric<double>(value => value);
                default:
                    throw new ArgumentException($"Label column '{name}' is of type {column.Type}; give integers, whole-number floats or a key type.", "view");
            }
        }

        private static Action<List<float>> FeaturesGetter(DataViewRowCursor cursor, DataViewSchema.Column column)
        {
            if (column.Type is VectorDataViewType { ItemType: var item } && item == NumberDataViewType.Single)
            {
                var get = cursor.GetGetter<VBuffer<float>>(column);
                var buffer = default(VBuffer<float>);
                return values =>
                {
                    get(ref buffer);
                    foreach (float value in buffer.DenseValues())
                    {
                        values.Add(value);
                    }
                };
            }

            if (column.Type == NumberDataViewType.Single)
            {
                var get = cursor.GetGetter<float>(column);
                float value = 0;
                return values => { get(ref value); values.Add(value); };
            }

            throw new ArgumentException($"Features column '{column.Name}' is of type {column.Type}; give a vector of Single (float), for example from Concatenate.", "view");
        }
    }
}
