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
    /// Writes a PowerShell value as JSON, the way ConvertTo-Json would read it but without its depth cut-off:
    /// hashtables and objects become JSON objects (their properties, in order), lists become arrays, numbers stay
    /// numbers, dates become ISO 8601 strings, enums their names. Cycles and depths over 100 are refused.
    /// The one converter of the module: hook answers (<see cref="PsJson"/>) and definitions
    /// (<see cref="DefinitionInput"/>) call it with their own <see cref="JsonFromObjectOptions"/>.
    /// </summary>
    internal static class JsonFromObject
    {
        public static string Convert(object? value) => Convert(value, JsonFromObjectOptions.Default);

        public static string Convert(object? value, JsonFromObjectOptions options)
        {
            using var buffer = new MemoryStream();
            var writerOptions = new JsonWriterOptions { Encoder = options.RelaxedEscaping ? System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping : null };
            using (var writer = new Utf8JsonWriter(buffer, writerOptions))
            {
                Write(writer, value, 0, options);
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        private static void Write(Utf8JsonWriter w, object? value, int depth, JsonFromObjectOptions o)
        {
            if (depth > o.MaxDepth)
            {
                throw o.TooDeep();
            }

            PSObject? ps = value as PSObject;
            object? baseObject = ps is null ? value : ps.BaseObject;
            if (o.AllPropertiesOfCustomObjects && ps is not null && baseObject is PSCustomObject)
            {
                w.WriteStartObject();
                foreach (PSPropertyInfo property in ps.Properties)
                {
                    w.WritePropertyName(property.Name);
                    Write(w, property.Value, depth + 1, o);
                }

                w.WriteEndObject();
                return;
            }

            JsonScalars s = o.Scalars;
            switch (baseObject)
            {
                case null:
                    w.WriteNullValue();
                    return;
                case DBNull _ when (s & JsonScalars.DBNullAsNull) != 0:
                    w.WriteNullValue();
                    return;
                case string text:
                    w.WriteStringValue(text);
                    return;
                case char c:
                    w.WriteStringValue(c.ToString());
                    return;
                case bool b:
                    w.WriteBooleanValue(b);
                    return;
                case SwitchParameter sw when (s & JsonScalars.SwitchParameter) != 0:
                    w.WriteBooleanValue(sw.IsPresent);
                    return;
                case byte or sbyte or short or ushort or int or uint or long:
                    w.WriteNumberValue(System.Convert.ToInt64(baseObject, CultureInfo.InvariantCulture));
                    return;
                case ulong ul:
                    w.WriteNumberValue(ul);
                    return;
                case decimal m:
                    w.WriteNumberValue(m);
                    return;
                case float f:
                    WriteDouble(w, f, o);
                    return;
                case double d:
                    WriteDouble(w, d, o);
                    return;
                case System.Numerics.BigInteger big when (s & JsonScalars.BigInteger) != 0:
                    w.WriteRawValue(big.ToString(CultureInfo.InvariantCulture));
                    return;
                case DateTime dt:
                    w.WriteStringValue(dt.ToString("o", CultureInfo.InvariantCulture));
                    return;
                case DateTimeOffset dto:
                    w.WriteStringValue(dto.ToString("o", CultureInfo.InvariantCulture));
                    return;
                case Guid or Uri or TimeSpan or Version when (s & JsonScalars.InvariantText) != 0:
                    w.WriteStringValue(System.Convert.ToString(baseObject, CultureInfo.InvariantCulture));
                    return;
                case Guid g when (s & JsonScalars.GuidTimeSpanUri) != 0:
                    w.WriteStringValue(g.ToString());
                    return;
                case Uri u when (s & JsonScalars.GuidTimeSpanUri) != 0:
                    w.WriteStringValue(u.OriginalString);
                    return;
                case TimeSpan ts when (s & JsonScalars.GuidTimeSpanUri) != 0:
                    w.WriteStringValue(ts.ToString("c", CultureInfo.InvariantCulture));
                    return;
                case Enum e:
                    w.WriteStringValue(e.ToString());
                    return;
                case JsonElement element when (s & JsonScalars.JsonElement) != 0:
                    element.WriteTo(w);
                    return;
                case IDictionary dictionary:
                    w.WriteStartObject();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        w.WritePropertyName(System.Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                        Write(w, entry.Value, depth + 1, o);
                    }

                    w.WriteEndObject();
                    return;
                case IEnumerable list:
                    w.WriteStartArray();
                    foreach (object? item in list)
                    {
                        Write(w, item, depth + 1, o);
                    }

                    w.WriteEndArray();
                    return;
            }

            if (o.AllPropertiesOfCustomObjects)
            {
                // The hook runner's rule: the base object's gettable properties; a failing getter fails the answer.
                w.WriteStartObject();
                foreach (PSPropertyInfo property in PSObject.AsPSObject(baseObject).Properties)
                {
                    if (property.IsGettable)
                    {
                        w.WritePropertyName(property.Name);
                        Write(w, property.Value, depth + 1, o);
                    }
                }

                w.WriteEndObject();
                return;
            }

            // PSCustomObject and any other object: its properties, as PowerShell sees them.
            PSObject wrapped = ps ?? PSObject.AsPSObject(baseObject);
            w.WriteStartObject();
            foreach (PSPropertyInfo property in wrapped.Properties)
            {
                if (!property.IsGettable || property is PSScriptProperty)
                {
                    continue;
                }

                object? propertyValue;
                try
                {
                    propertyValue = property.Value;
                }
                catch (GetValueException)
                {
                    continue;
                }

                w.WritePropertyName(property.Name);
                Write(w, propertyValue, depth + 1, o);
            }

            w.WriteEndObject();
        }

        private static void WriteDouble(Utf8JsonWriter w, double d, JsonFromObjectOptions o)
        {
            if (double.IsNaN(d) || double.IsInfinity(d))
            {
                throw o.NotFinite(d);
            }

            w.WriteNumberValue(d);
        }
    }

    /// <summary>Values <see cref="JsonFromObject"/> writes as JSON scalars; without its flag, a value is written as an object of its properties.</summary>
    [Flags]
    internal enum JsonScalars
    {
        None = 0,

        /// <summary>DBNull as null.</summary>
        DBNullAsNull = 1,

        /// <summary>A switch as true or false.</summary>
        SwitchParameter = 2,

        /// <summary>A BigInteger as a JSON number.</summary>
        BigInteger = 4,

        /// <summary>Guid as text, Uri as its original text, TimeSpan in the "c" format.</summary>
        GuidTimeSpanUri = 8,

        /// <summary>Guid, Uri, TimeSpan and Version as their invariant text (Convert.ToString).</summary>
        InvariantText = 16,

        /// <summary>A JsonElement as the JSON it holds.</summary>
        JsonElement = 32,
    }

    /// <summary>How <see cref="JsonFromObject"/> writes: each caller keeps its own output and its own errors.</summary>
    internal sealed class JsonFromObjectOptions
    {
        /// <summary>The -Value/-Payload rules: relaxed escaping, depth 100, JsonElement passed through.</summary>
        public static readonly JsonFromObjectOptions Default = new JsonFromObjectOptions
        {
            MaxDepth = 100,
            RelaxedEscaping = true,
            Scalars = JsonScalars.SwitchParameter | JsonScalars.BigInteger | JsonScalars.GuidTimeSpanUri | JsonScalars.JsonElement,
            TooDeep = () => new InvalidArgumentException("The value is nested deeper than 100 levels (a cycle?); give it as -Json text instead."),
            NotFinite = d => new InvalidArgumentException($"{d} cannot be written as JSON."),
        };

        public int MaxDepth { get; set; } = 100;

        /// <summary>UnsafeRelaxedJsonEscaping (non-ASCII and HTML characters unescaped) instead of the default encoder.</summary>
        public bool RelaxedEscaping { get; set; }

        public JsonScalars Scalars { get; set; }

        /// <summary>
        /// The hook runner's property rules: a PSCustomObject's properties all written (script properties too, a failing
        /// getter throws); other objects' gettable properties read from the base object. Otherwise script properties and
        /// failing getters are skipped.
        /// </summary>
        public bool AllPropertiesOfCustomObjects { get; set; }

        public Func<Exception> TooDeep { get; set; } = () => new InvalidArgumentException("The value is nested too deep.");

        public Func<double, Exception> NotFinite { get; set; } = d => new InvalidArgumentException($"{d} cannot be written as JSON.");
    }
}
