using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// PowerShell views of raw JSON the server passes through (memory values, snapshot envelopes, tool
    /// inputs): objects become PSCustomObjects, arrays object[], numbers Int64/Decimal/Double, the way
    /// ConvertFrom-Json reads them (strings stay strings, dates included). The exact JSON text stays on the
    /// original property; the views (ScriptProperties in Loomcycle.types.ps1xml that call <see cref="FromJson"/>)
    /// are computed on access, so nothing is parsed unless asked. ScriptProperties, not CodeProperties, because
    /// types files load before the module's assembly and a CodeProperty's type must resolve at load time.
    /// </summary>
    public static class JsonView
    {
        /// <summary>Converts JSON text to PowerShell objects; null or blank text gives null. Invalid JSON throws.</summary>
        public static object? FromJson(string? json)
        {
            if (string.IsNullOrWhiteSpace(json))
            {
                return null;
            }

            using JsonDocument document = JsonDocument.Parse(json!, new JsonDocumentOptions { MaxDepth = 1024 });
            return Convert(document.RootElement);
        }

        private static object? Convert(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    var result = new PSObject();
                    foreach (JsonProperty property in element.EnumerateObject())
                    {
                        // Duplicate keys: the last one wins, as in ConvertFrom-Json.
                        result.Properties.Remove(property.Name);
                        result.Properties.Add(new PSNoteProperty(property.Name, Convert(property.Value)));
                    }

                    return result;
                case JsonValueKind.Array:
                    var items = new List<object?>(element.GetArrayLength());
                    foreach (JsonElement item in element.EnumerateArray())
                    {
                        items.Add(Convert(item));
                    }

                    return items.ToArray();
                case JsonValueKind.String:
                    return element.GetString();
                case JsonValueKind.Number:
                    return Number(element);
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                default:
                    return null;
            }
        }

        private static object Number(JsonElement element)
        {
            if (element.TryGetInt64(out long whole))
            {
                return whole;
            }

            string text = element.GetRawText();
            if (text.IndexOfAny(new[] { '.', 'e', 'E' }) < 0 && decimal.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out decimal big))
            {
                return big;
            }

            return element.GetDouble();
        }
    }
}
