using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Loomcycle
{
    /// <summary>
    /// Compares a definition as written (a file) with the version the server stores, by meaning, not text: key order does
    /// not matter, numbers compare by value, and only the fields the file sets are compared (the server derives fields such
    /// as <c>system_prompt_base</c>). An empty value in the file (null, "", 0, false, [] or {}) equals a field the server
    /// left out, because the server drops empty fields.
    /// </summary>
    public static class DefinitionComparer
    {
        /// <summary>The dotted paths of the fields whose meaning differs; empty when the definition is unchanged.</summary>
        public static IReadOnlyList<string> Differences(string desiredJson, string? storedJson)
        {
            using JsonDocument desired = JsonDocument.Parse(desiredJson);
            var differences = new List<string>();
            if (string.IsNullOrWhiteSpace(storedJson))
            {
                Compare(desired.RootElement, null, string.Empty, differences);
                return differences;
            }

            using JsonDocument stored = JsonDocument.Parse(storedJson!);
            Compare(desired.RootElement, stored.RootElement, string.Empty, differences);
            return differences;
        }

        /// <summary>Fields the server writes into a stored definition itself; a file never sets them.</summary>
        private static readonly HashSet<string> ServerStampedFields = new HashSet<string>(StringComparer.Ordinal)
        {
            "system_prompt_base", "operator_key_restricted", "isolated",
        };

        /// <summary>
        /// The top-level fields the stored version sets (not empty) and the file does not, leaving out those the server
        /// stamps itself. <see cref="Differences"/> ignores them, so a sync that finds no other change leaves them in place;
        /// a new version built from the file alone drops them.
        /// </summary>
        public static IReadOnlyList<string> StoredOnlyFields(string desiredJson, string? storedJson)
        {
            var fields = new List<string>();
            if (string.IsNullOrWhiteSpace(storedJson))
            {
                return fields;
            }

            using JsonDocument desired = JsonDocument.Parse(desiredJson);
            using JsonDocument stored = JsonDocument.Parse(storedJson!);
            if (desired.RootElement.ValueKind != JsonValueKind.Object || stored.RootElement.ValueKind != JsonValueKind.Object)
            {
                return fields;
            }

            foreach (JsonProperty field in stored.RootElement.EnumerateObject())
            {
                if (!IsEmpty(field.Value) && !ServerStampedFields.Contains(field.Name) && !desired.RootElement.TryGetProperty(field.Name, out _))
                {
                    fields.Add(field.Name);
                }
            }

            return fields;
        }

        /// <summary>True when the stored definition means what the desired one says.</summary>
        public static bool AreEquivalent(string desiredJson, string? storedJson) => Differences(desiredJson, storedJson).Count == 0;

        private static void Compare(JsonElement desired, JsonElement? stored, string path, List<string> differences)
        {
            if (stored is null || stored.Value.ValueKind == JsonValueKind.Null)
            {
                if (!IsEmpty(desired))
                {
                    differences.Add(path.Length == 0 ? "(definition)" : path);
                }

                return;
            }

            JsonElement s = stored.Value;
            switch (desired.ValueKind)
            {
                case JsonValueKind.Object:
                    if (s.ValueKind != JsonValueKind.Object)
                    {
                        differences.Add(Label(path));
                        return;
                    }

                    foreach (JsonProperty field in desired.EnumerateObject())
                    {
                        JsonElement? match = s.TryGetProperty(field.Name, out JsonElement found) ? found : (JsonElement?)null;
                        Compare(field.Value, match, path.Length == 0 ? field.Name : path + "." + field.Name, differences);
                    }

                    return;
                case JsonValueKind.Array:
                    if (s.ValueKind != JsonValueKind.Array || s.GetArrayLength() != desired.GetArrayLength())
                    {
                        differences.Add(Label(path));
                        return;
                    }

                    int i = 0;
                    using (JsonElement.ArrayEnumerator left = desired.EnumerateArray())
                    using (JsonElement.ArrayEnumerator right = s.EnumerateArray())
                    {
                        while (left.MoveNext() && right.MoveNext())
                        {
                            int before = differences.Count;
                            Compare(left.Current, right.Current, $"{path}[{i}]", differences);
                            if (differences.Count > before)
                            {
                                // One entry per array is enough to say it changed.
                                differences.RemoveRange(before, differences.Count - before);
                                differences.Add(Label(path));
                                return;
                            }

                            i++;
                        }
                    }

                    return;
                case JsonValueKind.Number:
                    if (s.ValueKind != JsonValueKind.Number || !SameNumber(desired, s))
                    {
                        differences.Add(Label(path));
                    }

                    return;
                case JsonValueKind.String:
                    if (s.ValueKind != JsonValueKind.String || !string.Equals(desired.GetString(), s.GetString(), StringComparison.Ordinal))
                    {
                        differences.Add(Label(path));
                    }

                    return;
                case JsonValueKind.True:
                case JsonValueKind.False:
                    if (s.ValueKind != desired.ValueKind)
                    {
                        differences.Add(Label(path));
                    }

                    return;
                case JsonValueKind.Null:
                    if (!IsEmpty(s))
                    {
                        differences.Add(Label(path));
                    }

                    return;
            }
        }

        private static string Label(string path) => path.Length == 0 ? "(definition)" : path;

        private static bool SameNumber(JsonElement a, JsonElement b)
        {
            if (a.TryGetDecimal(out decimal x) && b.TryGetDecimal(out decimal y))
            {
                return x == y;
            }

            return a.TryGetDouble(out double dx) && b.TryGetDouble(out double dy) && dx.Equals(dy);
        }

        private static bool IsEmpty(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Null => true,
            JsonValueKind.Undefined => true,
            JsonValueKind.String => value.GetString()!.Length == 0,
            JsonValueKind.False => true,
            JsonValueKind.Number => value.TryGetDecimal(out decimal d) && d == 0m,
            JsonValueKind.Array => value.GetArrayLength() == 0,
            JsonValueKind.Object => AllEmpty(value),
            _ => false,
        };

        private static bool AllEmpty(JsonElement value)
        {
            foreach (JsonProperty field in value.EnumerateObject())
            {
                if (!IsEmpty(field.Value))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
