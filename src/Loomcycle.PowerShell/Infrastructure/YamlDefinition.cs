using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Reads a YAML definition file as the JSON object it stands for. Plain scalars follow the YAML 1.2 core schema
    /// (null, true/false, integers, floats); quoted scalars and anything tagged !!str stay strings. Anchors and aliases
    /// are expanded. Only the first document is read. YamlDotNet is loaded privately from deps/ (DependencyResolver).
    /// </summary>
    internal static class YamlDefinition
    {
        private const int MaxDepth = 64;
        private static readonly Regex Null = new Regex("^(null|Null|NULL|~)$", RegexOptions.CultureInvariant);
        private static readonly Regex Bool = new Regex("^(true|True|TRUE|false|False|FALSE)$", RegexOptions.CultureInvariant);
        private static readonly Regex Int = new Regex("^[-+]?[0-9]+$", RegexOptions.CultureInvariant);
        private static readonly Regex Float = new Regex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant);

        public static string ToJson(string yamlText, string source)
        {
            var stream = new YamlStream();
            try
            {
                stream.Load(new StringReader(yamlText));
            }
            catch (YamlException ex)
            {
                throw new InvalidArgumentException($"The file '{source}' is not valid YAML: {ex.Message}", source, ex);
            }

            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            {
                throw new InvalidArgumentException($"The file '{source}' must hold one YAML mapping (the definition's fields).", source);
            }

            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                Write(writer, root, source, 0);
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        private static void Write(Utf8JsonWriter writer, YamlNode node, string source, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new InvalidArgumentException($"The file '{source}' is nested deeper than {MaxDepth} levels.", source);
            }

            switch (node)
            {
                case YamlMappingNode mapping:
                    writer.WriteStartObject();
                    foreach (var entry in mapping.Children)
                    {
                        if (entry.Key is not YamlScalarNode key)
                        {
                            throw new InvalidArgumentException($"The file '{source}' has a mapping key that is not a plain value (line {entry.Key.Start.Line}).", source);
                        }

                        writer.WritePropertyName(key.Value ?? string.Empty);
                        Write(writer, entry.Value, source, depth + 1);
                    }

                    writer.WriteEndObject();
                    return;
                case YamlSequenceNode sequence:
                    writer.WriteStartArray();
                    foreach (YamlNode item in sequence.Children)
                    {
                        Write(writer, item, source, depth + 1);
                    }

                    writer.WriteEndArray();
                    return;
                case YamlScalarNode scalar:
                    WriteScalar(writer, scalar);
                    return;
                default:
                    writer.WriteNullValue();
                    return;
            }
        }

        private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
        {
            string text = scalar.Value ?? string.Empty;
            bool plain = scalar.Style == ScalarStyle.Plain || scalar.Style == ScalarStyle.Any;
            string tag = scalar.Tag.IsEmpty ? string.Empty : scalar.Tag.Value;
            if (tag == "tag:yaml.org,2002:str" || !plain)
            {
                writer.WriteStringValue(text);
            }
            else if (text.Length == 0 || Null.IsMatch(text))
            {
                writer.WriteNullValue();
            }
            else if (Bool.IsMatch(text))
            {
                writer.WriteBooleanValue(char.ToLowerInvariant(text[0]) == 't');
            }
            else if (Int.IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long whole))
            {
                writer.WriteNumberValue(whole);
            }
            else if (Float.IsMatch(text) && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal number))
            {
                writer.WriteNumberValue(number);
            }
            else
            {
                writer.WriteStringValue(text);
            }
        }
    }
}
