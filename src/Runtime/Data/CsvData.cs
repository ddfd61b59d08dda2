using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using CsvHelper;
using TorchSharp;

namespace Ibex.Runtime.Data
{
    /// <summary>How <see cref="CsvData.Load"/> reads a CSV file.</summary>
    public sealed class CsvDataOptions
    {
        /// <summary>The header of the column that holds each row's class, an integer 0 … K−1. Default "label".</summary>
        public string LabelColumn { get; set; } = "label";

        /// <summary>
        /// The headers of the columns that hold real-valued targets (a regression network's, or a multi-label network's 0s and
        /// 1s), in the order the network predicts them; when set, <see cref="LabelColumn"/> is not read and
        /// <see cref="CsvData.Load"/> gives targets [N, T]. Null (default) reads class indices from <see cref="LabelColumn"/>.
        /// </summary>
        public IReadOnlyList<string>? TargetColumns { get; set; }

        /// <summary>The headers of the feature columns, in the order the network takes them; null takes every other column, in file order.</summary>
        public IReadOnlyList<string>? FeatureColumns { get; set; }

        /// <summary>The field separator; null detects it (comma, semicolon, tab or bar) from the first lines.</summary>
        public char? Separator { get; set; }

        /// <summary>
        /// The culture numbers are written in; default the invariant culture ("0.5", "-1e-3"). Set it, for example to
        /// <c>CultureInfo.GetCultureInfo("de-DE")</c>, for a file written with decimal commas ("0,5"). Digit-group separators
        /// are never accepted, so that "0,5" cannot silently read as 5.
        /// </summary>
        public CultureInfo Culture { get; set; } = CultureInfo.InvariantCulture;
    }

    /// <summary>
    /// Reads labelled examples from a CSV file with a header row (CsvHelper): one example per row, its class in the label
    /// column (a whole number, written "3" or "3.0"), its features in the feature columns, numbers in the invariant culture
    /// ("0.5", not "0,5") unless <see cref="CsvDataOptions.Culture"/> says otherwise. A missing column, a row with more or
    /// fewer fields than the header, a value that is not a finite number or a label that is not a whole number is a
    /// <see cref="DatasetException"/> naming the file, the row (1 the first row after the header) and the column.
    /// </summary>
    public static class CsvData
    {
        /// <summary>Loads every row of <paramref name="path"/>: class indices, or targets when <see cref="CsvDataOptions.TargetColumns"/> names them.</summary>
        public static LabeledData Load(string path, CsvDataOptions? options = null)
        {
            if (options?.TargetColumns is { } targetColumns)
            {
                return LoadTargets(path, options, targetColumns);
            }

            var features = new List<float[]>();
            var labels = new List<long>();
            foreach (var example in Read(path, options))
            {
                features.Add(example.Features);
                labels.Add(example.Label);
            }

            if (labels.Count == 0)
            {
                throw new DatasetException(path, "it has a header but no rows.");
            }

            int width = features[0].Length;
            var flat = new float[(long)features.Count * width];
            for (int row = 0; row < features.Count; row++)
            {
                features[row].CopyTo(flat, (long)row * width);
            }

            return new LabeledData(torch.tensor(flat, new[] { (long)features.Count, width }), torch.tensor(labels.ToArray()))
            {
                Origin = Columns(path, options),
            };
        }

        /// <summary>Every row's features and its targets from the named columns; every value must be a finite number.</summary>
        private static LabeledData LoadTargets(string path, CsvDataOptions options, IReadOnlyList<string> targetColumns)
        {
            if (!File.Exists(path))
            {
                throw DatasetException.Missing(path, "the CSV file");
            }

            if (targetColumns.Count == 0)
            {
                throw new ArgumentException("CsvDataOptions.TargetColumns names no column; name at least one, or leave it null to read class indices.", nameof(options));
            }

            using var reader = CsvReader.FromFile(path, ReaderOptions(options));
            var headers = reader.Headers.ToArray();
            var targetIndexes = targetColumns.Select(name => Array.IndexOf(headers, name) is int at and >= 0
                ? at
                : throw new DatasetException(path, $"it has no target column '{name}'; its columns are {Describe(headers)}.")).ToArray();
            int[] featureIndexes = options.FeatureColumns is null
                ? Enumerable.Range(0, headers.Length).Where(i => !targetIndexes.Contains(i)).ToArray()
                : FeatureIndexes(path, headers, -1, options.FeatureColumns);
            if (featureIndexes.Length == 0)
            {
                throw new DatasetException(path, "it has no column besides the targets.");
            }

            var features = new List<float>();
            var targets = new List<float>();
            foreach (CsvRow row in reader)
            {
                if (row.FieldCount != headers.Length)
                {
                    throw new DatasetException(path, $"row {row.RowNumber} has {row.FieldCount} fields, but the header has {headers.Length}: every row needs exactly one field per column.");
                }

                foreach (var (indexes, list, what) in new[] { (featureIndexes, features, "features"), (targetIndexes, targets, "targets") })
                {
                    foreach (int column in indexes)
                    {
                        if (!float.TryParse(row.GetSpan(column), Numbers, options.Culture, out float value) || !float.IsFinite(value))
                        {
                            throw new DatasetException(path, $"row {row.RowNumber}, column '{headers[column]}': '{row.GetString(column)}' is not a finite number in the " +
                                $"{CultureName(options.Culture)} culture; {what} must be finite numbers (drop or fill rows with missing values).");
                        }

                        list.Add(value);
                    }
                }
            }

            int count = features.Count / featureIndexes.Length;
            if (count == 0)
            {
                throw new DatasetException(path, "it has a header but no rows.");
            }

            return new LabeledData(torch.tensor(features.ToArray(), new[] { (long)count, featureIndexes.Length }), torch.tensor(targets.ToArray(), new[] { (long)count, targetIndexes.Length }))
            {
                Origin = new FileRows(path, string.Join(", ", targetColumns), featureIndexes.Select(i => headers[i]).ToArray()),
            };
        }

        /// <summary>The label and feature columns' names, for messages about a row of a loaded file.</summary>
        private static FileRows Columns(string path, CsvDataOptions? options)
        {
            options ??= new CsvDataOptions();
            using var reader = CsvReader.FromFile(path, ReaderOptions(options));
            var headers = reader.Headers.ToArray();
            int labelIndex = Array.IndexOf(headers, options.LabelColumn);
            return new FileRows(path, options.LabelColumn, FeatureIndexes(path, headers, labelIndex, options.FeatureColumns).Select(i => headers[i]).ToArray());
        }

        /// <summary>Reads the rows of <paramref name="path"/> one at a time, as <see cref="StreamingData"/> does.</summary>
        public static IEnumerable<StreamedExample> Read(string path, CsvDataOptions? options = null)
        {
            options ??= new CsvDataOptions();
            if (!File.Exists(path))
            {
                throw DatasetException.Missing(path, "the CSV file");
            }

            ArgumentNullException.ThrowIfNull(options.Culture);
            if (new FileInfo(path).Length == 0)
            {
                throw new DatasetException(path, "the file is empty; a CSV file needs a header row naming its columns, then one row per example.");
            }

            return ReadRows(path, options, ReaderOptions(options));
        }

        private static CsvReaderOptions ReaderOptions(CsvDataOptions options)
        {
            var readerOptions = CsvReaderOptions.Default with { FormatProvider = options.Culture, HasHeader = true };
            return options.Separator is { } separator ? readerOptions with { Separator = separator } : readerOptions;
        }

        private static IEnumerable<StreamedExample> ReadRows(string path, CsvDataOptions options, CsvReaderOptions readerOptions)
        {
            using var reader = CsvReader.FromFile(path, readerOptions);
            var headers = reader.Headers.ToArray();
            int labelIndex = Array.IndexOf(headers, options.LabelColumn);
            if (labelIndex < 0)
            {
                throw new DatasetException(path, $"it has no column '{options.LabelColumn}' for the labels; its columns are {Describe(headers)}. Name the label column in the options.");
            }

            int[] featureIndexes = FeatureIndexes(path, headers, labelIndex, options.FeatureColumns);
            foreach (CsvRow row in reader)
            {
                if (row.FieldCount != headers.Length)
                {
                    throw new DatasetException(path,
                        $"row {row.RowNumber} has {row.FieldCount} fields, but the header has {headers.Length}: every row needs exactly one field per column " +
                        "(a field that holds the separator must be quoted).");
                }

                var labelText = row.GetSpan(labelIndex);
                if (!double.TryParse(labelText, Numbers, options.Culture, out double labelValue) || labelValue != Math.Floor(labelValue) || Math.Abs(labelValue) > int.MaxValue)
                {
                    throw new DatasetException(path, $"row {row.RowNumber}, column '{headers[labelIndex]}': '{row.GetString(labelIndex)}' is not a class index (a whole number 0 … K−1).");
                }

                var values = new float[featureIndexes.Length];
                for (int i = 0; i < featureIndexes.Length; i++)
                {
                    var text = row.GetSpan(featureIndexes[i]);
                    if (!float.TryParse(text, Numbers, options.Culture, out values[i]))
                    {
                        throw new DatasetException(path, $"row {row.RowNumber}, column '{headers[featureIndexes[i]]}': '{row.GetString(featureIndexes[i])}' is not a number in the " +
                            $"{CultureName(options.Culture)} culture{(text.IndexOf((byte)',') >= 0 ? " (a decimal comma needs CsvDataOptions.Culture set to a culture that writes one)" : "")}.");
                    }

                    if (!float.IsFinite(values[i]))
                    {
                        throw new DatasetException(path, $"row {row.RowNumber}, column '{headers[featureIndexes[i]]}': '{row.GetString(featureIndexes[i])}' is not a finite number; features must be finite.");
                    }
                }

                yield return new StreamedExample(values, (long)labelValue);
            }
        }

        /// <summary>Signs, decimal points and exponents, never digit-group separators: "0,5" must not read as 5.</summary>
        private const NumberStyles Numbers = NumberStyles.Float;

        private static string CultureName(CultureInfo culture) => culture.Name.Length == 0 ? "invariant" : culture.Name;

        private static int[] FeatureIndexes(string path, string[] headers, int labelIndex, IReadOnlyList<string>? names)
        {
            if (names is null)
            {
                var others = Enumerable.Range(0, headers.Length).Where(i => i != labelIndex).ToArray();
                return others.Length > 0 ? others : throw new DatasetException(path, "it has no column besides the labels.");
            }

            var indexes = new int[names.Count];
            for (int i = 0; i < names.Count; i++)
            {
                indexes[i] = Array.IndexOf(headers, names[i]);
                if (indexes[i] < 0)
                {
                    throw new DatasetException(path, $"it has no feature column '{names[i]}'; its columns are {Describe(headers)}.");
                }
            }

            return indexes.Length > 0 ? indexes : throw new DatasetException(path, "no feature columns were named.");
        }

        private static string Describe(string[] headers)
            => headers.Length <= 8 ? string.Join(", ", headers.Select(h => $"'{h}'")) : string.Join(", ", headers.Take(8).Select(h => $"'{h}'")) + $" and {headers.Length - 8} more";
    }
}
