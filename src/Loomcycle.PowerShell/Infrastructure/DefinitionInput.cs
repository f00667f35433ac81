using System;
using System.Collections;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;
using System.Text.Json;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Turns what a user gives as -Definition into JSON object text: a hashtable or any object (its properties), JSON
    /// text, a FileInfo, or the path of a .json file. Anything else fails before a request is sent.
    /// </summary>
    internal static class DefinitionInput
    {
        public static string ToJson(PSCmdlet cmdlet, object? input, string parameterName = "Definition")
        {
            object? value = input is PSObject ps ? ps.BaseObject : input;
            switch (value)
            {
                case null:
                    throw new InvalidArgumentException($"-{parameterName} is empty: give a hashtable, an object, JSON text or a .json file.");
                case FileInfo file:
                    return FromFile(file.FullName, parameterName);
                case string text:
                    string trimmed = text.TrimStart();
                    if (trimmed.StartsWith("{", StringComparison.Ordinal) || trimmed.StartsWith("[", StringComparison.Ordinal))
                    {
                        return CheckObject(text, $"-{parameterName}");
                    }

                    string path;
                    try
                    {
                        path = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(text);
                    }
                    catch (Exception ex) when (ex is SessionStateException || ex is PSInvalidOperationException || ex is NotSupportedException || ex is ArgumentException)
                    {
                        throw new InvalidArgumentException($"-{parameterName} '{text}' is neither JSON text nor the path of a file.", text);
                    }

                    if (!File.Exists(path))
                    {
                        throw new InvalidArgumentException($"-{parameterName} '{text}' is neither JSON text nor an existing file.", text);
                    }

                    return FromFile(path, parameterName);
                default:
                    return FromObject(input!);
            }
        }

        /// <summary>Reads a definition file (.json). The file must hold one JSON object.</summary>
        public static string FromFile(string path, string parameterName = "Definition")
        {
            string text = File.ReadAllText(path, Encoding.UTF8);
            return IsYaml(path) ? YamlDefinition.ToJson(text, path) : CheckObject(text, $"The file '{path}'", path);
        }

        /// <summary>Files named *.yaml or *.yml are read as YAML; everything else as JSON.</summary>
        public static bool IsYaml(string path)
        {
            string extension = Path.GetExtension(path);
            return extension.Equals(".yaml", StringComparison.OrdinalIgnoreCase) || extension.Equals(".yml", StringComparison.OrdinalIgnoreCase);
        }

        private static string CheckObject(string text, string what, string? target = null)
        {
            try
            {
                using JsonDocument doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidArgumentException($"{what} must hold a JSON object, not {doc.RootElement.ValueKind}.", target ?? text);
                }

                // Re-written compactly: comments and trailing commas are for people, not for the server.
                using var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    doc.RootElement.WriteTo(writer);
                }

                return Encoding.UTF8.GetString(buffer.ToArray());
            }
            catch (JsonException ex)
            {
                throw new InvalidArgumentException($"{what} is not valid JSON: {ex.Message}", target ?? text, ex);
            }
        }

        /// <summary>The definition rules of <see cref="JsonFromObject"/>: default escaping, depth 64, no JsonElement pass-through.</summary>
        private static readonly JsonFromObjectOptions DefinitionJson = new JsonFromObjectOptions
        {
            MaxDepth = 64,
            Scalars = JsonScalars.SwitchParameter,
            TooDeep = () => new InvalidArgumentException("The definition is nested deeper than 64 levels."),
            NotFinite = _ => new InvalidArgumentException("The definition holds a number JSON cannot carry (NaN or infinity)."),
        };

        /// <summary>Serialises a hashtable or object (PSCustomObject, a .NET object's public properties) as a JSON object.</summary>
        public static string FromObject(object input)
        {
            object? value = input is PSObject ps ? ps.BaseObject : input;
            if (value is string || value is ValueType || value is IEnumerable && value is not IDictionary)
            {
                throw new InvalidArgumentException($"The definition must be a hashtable, an object, JSON text or a file, not a {value!.GetType().Name}.");
            }

            return JsonFromObject.Convert(input, DefinitionJson);
        }
    }
}
