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
    /// </summary>
    internal static class JsonFromObject
    {
        private const int MaxDepth = 100;

        public static string Convert(object? value)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                Write(writer, value, 0);
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        private static void Write(Utf8JsonWriter w, object? value, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new InvalidArgumentException($"The value is nested deeper than {MaxDepth} levels (a cycle?); give it as -Json text instead.");
            }

            PSObject? ps = value as PSObject;
            object? baseObject = ps is null ? value : ps.BaseObject;
            switch (baseObject)
            {
                case null:
                    w.WriteNullValue();
                    return;
                case string s:
                    w.WriteStringValue(s);
                    return;
                case char c:
                    w.WriteStringValue(c.ToString());
                    return;
                case bool b:
                    w.WriteBooleanValue(b);
                    return;
                case SwitchParameter sw:
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
                    WriteDouble(w, f);
                    return;
                case double d:
                    WriteDouble(w, d);
                    return;
                case System.Numerics.BigInteger big:
                    w.WriteRawValue(big.ToString(CultureInfo.InvariantCulture));
                    return;
                case DateTime dt:
                    w.WriteStringValue(dt.ToString("o", CultureInfo.InvariantCulture));
                    return;
                case DateTimeOffset dto:
                    w.WriteStringValue(dto.ToString("o", CultureInfo.InvariantCulture));
                    return;
                case Guid g:
                    w.WriteStringValue(g.ToString());
                    return;
                case Uri u:
                    w.WriteStringValue(u.OriginalString);
                    return;
                case TimeSpan ts:
                    w.WriteStringValue(ts.ToString("c", CultureInfo.InvariantCulture));
                    return;
                case Enum e:
                    w.WriteStringValue(e.ToString());
                    return;
                case JsonElement element:
                    element.WriteTo(w);
                    return;
                case IDictionary dictionary:
                    w.WriteStartObject();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        w.WritePropertyName(System.Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                        Write(w, entry.Value, depth + 1);
                    }

                    w.WriteEndObject();
                    return;
                case IEnumerable list:
                    w.WriteStartArray();
                    foreach (object? item in list)
                    {
                        Write(w, item, depth + 1);
                    }

                    w.WriteEndArray();
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
                Write(w, propertyValue, depth + 1);
            }

            w.WriteEndObject();
        }

        private static void WriteDouble(Utf8JsonWriter w, double d)
        {
            if (double.IsNaN(d) || double.IsInfinity(d))
            {
                throw new InvalidArgumentException($"{d} cannot be written as JSON.");
            }

            w.WriteNumberValue(d);
        }
    }
}
