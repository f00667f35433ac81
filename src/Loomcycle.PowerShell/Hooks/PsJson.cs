using System;
using System.Collections;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;
using System.Text.Json;
using Loomcycle.Hooks;

namespace Loomcycle.PowerShell
{
    /// <summary>
    /// Writes PowerShell values as JSON, the way ConvertTo-Json reads them: hashtables and PSCustomObjects become
    /// objects, other lists arrays, dates ISO 8601 text, enums their names. Used for a hook's rewritten tool input.
    /// </summary>
    internal static class PsJson
    {
        private const int MaxDepth = 64;

        public static string Serialize(object? value)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                Write(writer, value, 0);
            }

            return Encoding.UTF8.GetString(stream.ToArray());
        }

        private static void Write(Utf8JsonWriter writer, object? value, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new HookAnswerException("The value is nested more than " + MaxDepth + " levels deep.");
            }

            if (value is PSObject wrapped)
            {
                if (wrapped.BaseObject is PSCustomObject)
                {
                    writer.WriteStartObject();
                    foreach (PSPropertyInfo property in wrapped.Properties)
                    {
                        writer.WritePropertyName(property.Name);
                        Write(writer, property.Value, depth + 1);
                    }

                    writer.WriteEndObject();
                    return;
                }

                value = wrapped.BaseObject;
            }

            switch (value)
            {
                case null:
                case DBNull _:
                    writer.WriteNullValue();
                    return;
                case string text:
                    writer.WriteStringValue(text);
                    return;
                case char c:
                    writer.WriteStringValue(c.ToString());
                    return;
                case bool flag:
                    writer.WriteBooleanValue(flag);
                    return;
                case Enum e:
                    writer.WriteStringValue(e.ToString());
                    return;
                case int i:
                    writer.WriteNumberValue(i);
                    return;
                case long l:
                    writer.WriteNumberValue(l);
                    return;
                case short or byte or sbyte or ushort or uint:
                    writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                    return;
                case ulong ul:
                    writer.WriteNumberValue(ul);
                    return;
                case decimal m:
                    writer.WriteNumberValue(m);
                    return;
                case double or float:
                    double d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
                    if (double.IsNaN(d) || double.IsInfinity(d))
                    {
                        throw new HookAnswerException("NaN and infinity cannot be written as JSON.");
                    }

                    writer.WriteNumberValue(d);
                    return;
                case DateTime dt:
                    writer.WriteStringValue(dt.ToString("o", CultureInfo.InvariantCulture));
                    return;
                case DateTimeOffset dto:
                    writer.WriteStringValue(dto.ToString("o", CultureInfo.InvariantCulture));
                    return;
                case Guid or Uri or TimeSpan or Version:
                    writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                    return;
                case IDictionary dictionary:
                    writer.WriteStartObject();
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty);
                        Write(writer, entry.Value, depth + 1);
                    }

                    writer.WriteEndObject();
                    return;
                case IEnumerable items:
                    writer.WriteStartArray();
                    foreach (object? item in items)
                    {
                        Write(writer, item, depth + 1);
                    }

                    writer.WriteEndArray();
                    return;
                default:
                    writer.WriteStartObject();
                    foreach (PSPropertyInfo property in PSObject.AsPSObject(value).Properties)
                    {
                        if (property.IsGettable)
                        {
                            writer.WritePropertyName(property.Name);
                            Write(writer, property.Value, depth + 1);
                        }
                    }

                    writer.WriteEndObject();
                    return;
            }
        }
    }
}
