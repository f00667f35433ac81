using System;
using System.Text.Encodings.Web;

namespace Loomcycle.FakeServer.Json;

/// <summary>
/// Escapes JSON strings the way Go's encoding/json does: control characters, <c>"</c>, <c>\</c>,
/// the HTML-sensitive <c>&lt; &gt; &amp;</c> (as <c>\u003c</c> etc.) and U+2028/U+2029. Every other
/// character, including non-ASCII, is written as-is.
/// </summary>
internal sealed class GoJsonEncoder : JavaScriptEncoder
{
    public static readonly GoJsonEncoder Instance = new();

    private GoJsonEncoder() { }

    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) =>
        unicodeScalar < 0x20 || unicodeScalar == '"' || unicodeScalar == '\\' ||
        unicodeScalar == '<' || unicodeScalar == '>' || unicodeScalar == '&' ||
        unicodeScalar == 0x2028 || unicodeScalar == 0x2029 ||
        (unicodeScalar >= 0xD800 && unicodeScalar <= 0xDFFF);

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength)
    {
        for (int i = 0; i < textLength; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < textLength && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
                return i;
            }
            if (char.IsLowSurrogate(c)) return i;
            if (WillEncode(c)) return i;
        }
        return -1;
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        string? escaped = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\b' => "\\b",
            '\f' => "\\f",
            _ => null,
        };
        if (escaped is null && WillEncode(unicodeScalar))
        {
            // Lone surrogates cannot appear in valid UTF-16 scalars; Go writes U+FFFD for invalid input.
            int v = unicodeScalar >= 0xD800 && unicodeScalar <= 0xDFFF ? 0xFFFD : unicodeScalar;
            escaped = v == 0xFFFD ? "\uFFFD" : "\\u" + v.ToString("x4");
        }
        if (escaped is null)
        {
            // Not ours to escape: copy the scalar through as UTF-16.
            if (unicodeScalar > 0xFFFF)
            {
                if (bufferLength < 2) { numberOfCharactersWritten = 0; return false; }
                string pair = char.ConvertFromUtf32(unicodeScalar);
                buffer[0] = pair[0];
                buffer[1] = pair[1];
                numberOfCharactersWritten = 2;
                return true;
            }
            if (bufferLength < 1) { numberOfCharactersWritten = 0; return false; }
            buffer[0] = (char)unicodeScalar;
            numberOfCharactersWritten = 1;
            return true;
        }
        if (bufferLength < escaped.Length) { numberOfCharactersWritten = 0; return false; }
        for (int i = 0; i < escaped.Length; i++) buffer[i] = escaped[i];
        numberOfCharactersWritten = escaped.Length;
        return true;
    }
}
