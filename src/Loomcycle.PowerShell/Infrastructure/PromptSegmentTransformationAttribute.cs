using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Text.Json;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Binds -Segment from what people write: <see cref="PromptSegment"/> objects, hashtables, PSCustomObjects
    /// (for example from ConvertFrom-Json), JSON text, or arrays of any of these. Property names match the
    /// PowerShell names or the wire names, in any case (<c>Content</c>/<c>content</c>, <c>MediaType</c>/<c>media_type</c>).
    /// A content block may also be plain text (a trusted-text block). Unknown properties are refused by name, so a
    /// typo never silently drops input.
    /// </summary>
    /// <remarks>
    /// PowerShell's own conversion fails here: it can build a PromptSegment from a hashtable, but not convert the
    /// nested object[] to IList&lt;PromptContent&gt;, and not a PSCustomObject at all.
    /// </remarks>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class PromptSegmentTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            var segments = new List<PromptSegment>();
            foreach (object? item in Items(inputData))
            {
                if (item is string text)
                {
                    segments.AddRange(FromJson(text));
                }
                else
                {
                    segments.Add(ToSegment(item));
                }
            }

            return segments.ToArray();
        }

        private static IEnumerable<object?> Items(object? input)
        {
            object? value = Unwrap(input);
            if (value is IEnumerable sequence && value is not string && value is not IDictionary)
            {
                foreach (object? item in sequence)
                {
                    yield return Unwrap(item);
                }
            }
            else
            {
                yield return value;
            }
        }

        private static object? Unwrap(object? value) =>
            value is PSObject wrapped && wrapped.BaseObject is not PSCustomObject ? wrapped.BaseObject : value;

        private static IEnumerable<PromptSegment> FromJson(string text)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException ex)
            {
                throw new ArgumentTransformationMetadataException(
                    "A segment given as text must be JSON, such as {\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}: " + ex.Message, ex);
            }

            using (document)
            {
                JsonElement root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Array)
                {
                    var result = new List<PromptSegment>();
                    foreach (JsonElement element in root.EnumerateArray())
                    {
                        result.Add(ToSegment(FromJsonElement(element)));
                    }

                    return result;
                }

                return new[] { ToSegment(FromJsonElement(root)) };
            }
        }

        // JSON becomes the same shapes PowerShell hands over (dictionaries, lists, scalars), so one path converts both.
        private static object? FromJsonElement(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    var map = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                    foreach (JsonProperty property in element.EnumerateObject())
                    {
                        map[property.Name] = FromJsonElement(property.Value);
                    }

                    return map;
                case JsonValueKind.Array:
                    var list = new List<object?>();
                    foreach (JsonElement item in element.EnumerateArray())
                    {
                        list.Add(FromJsonElement(item));
                    }

                    return list;
                case JsonValueKind.String:
                    return element.GetString();
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                case JsonValueKind.Null:
                    return null;
                default:
                    return element.GetRawText();
            }
        }

        private static PromptSegment ToSegment(object? item)
        {
            if (item is PromptSegment segment)
            {
                return segment;
            }

            Dictionary<string, object?> properties = Properties(item, "segment");
            var result = new PromptSegment();
            foreach (KeyValuePair<string, object?> property in properties)
            {
                switch (Normalize(property.Key))
                {
                    case "role":
                        result.Role = Text(property.Value, "segment", property.Key) ?? "user";
                        break;
                    case "content":
                        result.Content = ToContent(property.Value);
                        break;
                    default:
                        throw Unknown("segment", property.Key, "Role, Content");
                }
            }

            return result;
        }

        private static IList<PromptContent> ToContent(object? value)
        {
            var blocks = new List<PromptContent>();
            foreach (object? item in Items(value))
            {
                blocks.Add(ToBlock(item));
            }

            return blocks;
        }

        private static PromptContent ToBlock(object? item)
        {
            switch (item)
            {
                case PromptContent block:
                    return block;
                case string text:
                    return new PromptContent { Text = text };
            }

            var result = new PromptContent();
            foreach (KeyValuePair<string, object?> property in Properties(item, "content block"))
            {
                switch (Normalize(property.Key))
                {
                    case "type":
                        result.Type = Text(property.Value, "content block", property.Key) ?? result.Type;
                        break;
                    case "text":
                        result.Text = Text(property.Value, "content block", property.Key);
                        break;
                    case "cacheable":
                        result.Cacheable = property.Value is null ? null : LanguagePrimitives.ConvertTo<bool>(property.Value);
                        break;
                    case "kind":
                        result.Kind = Text(property.Value, "content block", property.Key);
                        break;
                    case "mediatype":
                        result.MediaType = Text(property.Value, "content block", property.Key);
                        break;
                    case "data":
                        result.Data = Text(property.Value, "content block", property.Key);
                        break;
                    default:
                        throw Unknown("content block", property.Key, "Type, Text, Cacheable, Kind, MediaType, Data");
                }
            }

            return result;
        }

        private static Dictionary<string, object?> Properties(object? item, string what)
        {
            var properties = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            switch (item)
            {
                case IDictionary dictionary:
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        properties[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty] = Unwrap(entry.Value);
                    }

                    break;
                case PSObject custom:
                    foreach (PSPropertyInfo property in custom.Properties)
                    {
                        properties[property.Name] = Unwrap(property.Value);
                    }

                    break;
                default:
                    string type = item is null ? "null" : item.GetType().Name;
                    throw new ArgumentTransformationMetadataException(
                        $"A {what} must be a hashtable, an object or JSON text, not {type}.");
            }

            return properties;
        }

        private static string? Text(object? value, string what, string name) => value switch
        {
            null => null,
            string s => s,
            IConvertible c => c.ToString(CultureInfo.InvariantCulture),
            _ => throw new ArgumentTransformationMetadataException($"The {what} property '{name}' must be text, not {value.GetType().Name}."),
        };

        private static string Normalize(string name) => name.Replace("_", string.Empty).ToLowerInvariant();

        private static ArgumentTransformationMetadataException Unknown(string what, string name, string known) =>
            new ArgumentTransformationMetadataException($"A {what} has no property '{name}'. Its properties are {known}.");
    }
}
