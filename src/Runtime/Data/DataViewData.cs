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
            var featureValues = new List<float>();
            var labels = new List<long>();
            long featuresPerRow = -1;

            using var cursor = view.GetRowCursor(new[] { label, features });
            var readLabel = LabelGetter(cursor, label);
            var readFeatures = FeaturesGetter(cursor, features);
            var buffer = new List<float>();
            while (cursor.MoveNext())
            {
                long row = cursor.Position;
                labels.Add(readLabel(row));
                buffer.Clear();
                readFeatures(buffer);
                if (featuresPerRow < 0)
                {
                    featuresPerRow = buffer.Count;
                }
                else if (buffer.Count != featuresPerRow)
                {
                    throw new ArgumentException($"Row {row} of column '{features.Name}' has {buffer.Count} values, but row 0 has {featuresPerRow}; every row needs as many.", nameof(view));
                }

                featureValues.AddRange(buffer);
            }

            if (labels.Count == 0 || featuresPerRow <= 0)
            {
                throw new ArgumentException("The data view has no rows with features.", nameof(view));
            }

            return new LabeledData(torch.tensor(featureValues.ToArray(), new[] { (long)labels.Count, featuresPerRow }), torch.tensor(labels.ToArray()));
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
            var readTargets = FeaturesGetter(cursor, target);
            var readFeatures = FeaturesGetter(cursor, features);
            var featureValues = new List<float>();
            var targetValues = new List<float>();
            long featuresPerRow = -1, targetsPerRow = -1, rows = 0;
            var buffer = new List<float>();
            while (cursor.MoveNext())
            {
                long row = cursor.Position;
                foreach (var (read, values, column) in new[] { (readFeatures, featureValues, features), (readTargets, targetValues, target) })
                {
                    buffer.Clear();
                    read(buffer);
                    ref long width = ref column.Index == features.Index ? ref featuresPerRow : ref targetsPerRow;
                    if (width < 0)
                    {
                        width = buffer.Count;
                    }
                    else if (buffer.Count != width)
                    {
                        throw new ArgumentException($"Row {row} of column '{column.Name}' has {buffer.Count} values, but row 0 has {width}; every row needs as many.", nameof(view));
                    }

                    values.AddRange(buffer);
                }

                rows++;
            }

            if (rows == 0 || featuresPerRow <= 0 || targetsPerRow <= 0)
            {
                throw new ArgumentException("The data view has no rows with features and targets.", nameof(view));
            }

            return new LabeledData(torch.tensor(featureValues.ToArray(), new[] { rows, featuresPerRow }), torch.tensor(targetValues.ToArray(), new[] { rows, targetsPerRow }));
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
