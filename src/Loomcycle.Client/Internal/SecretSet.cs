using System;
using System.Collections.Generic;
using System.Text;

namespace Loomcycle
{
    /// <summary>
    /// The secrets of one stream, compiled once: every masked form (see <see cref="SecretRedactor"/>) as text and as
    /// UTF-8 bytes, so each frame is searched in the bytes it arrived in and decoded only when it holds one. UTF-8 is
    /// self-synchronizing, so a form occurs in the decoded text exactly when its UTF-8 bytes occur in the raw bytes.
    /// </summary>
    internal sealed class SecretSet
    {
        public static readonly SecretSet Empty = new SecretSet(Array.Empty<string>(), Array.Empty<string>());

        private readonly string[] _forms;
        private readonly byte[][] _utf8Forms;

        // Every character of every secret: an escape in a frame can hide a secret only if it decodes to one of them.
        private readonly HashSet<char> _chars = new HashSet<char>();
        private readonly bool _shortEscapable;

        private SecretSet(string[] forms, IReadOnlyList<string> secrets)
        {
            _forms = forms;
            foreach (string secret in secrets)
            {
                if (secret.Length >= 4)
                {
                    foreach (char c in secret)
                    {
                        _chars.Add(c);
                        _shortEscapable |= ShortEscapeOf(c) != 0;
                    }
                }
            }

            _utf8Forms = new byte[forms.Length][];
            for (int i = 0; i < forms.Length; i++)
            {
                _utf8Forms[i] = Encoding.UTF8.GetBytes(forms[i]);
            }
        }

        public bool IsEmpty => _forms.Length == 0;

        public static SecretSet Create(IReadOnlyList<string>? secrets)
        {
            string[] forms = SecretRedactor.AllForms(secrets);
            return forms.Length == 0 ? Empty : new SecretSet(forms, secrets!);
        }

        /// <summary>True when any form of any secret occurs in <paramref name="utf8"/>.</summary>
        public bool OccursIn(ReadOnlySpan<byte> utf8)
        {
            foreach (byte[] form in _utf8Forms)
            {
                if (utf8.IndexOf(form) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>
        /// True when some JSON escape in <paramref name="utf8"/> (<c>\uXXXX</c>, or <c>\"</c>, <c>\/</c>, <c>\n</c> …) decodes
        /// to a character of a secret: only then can the decoded text spell a secret that no masked form found in the raw
        /// bytes, and the decoded fields need masking too. (Tool output is full of <c>\u003c</c>, <c>\t</c> and <c>\"</c>; a
        /// token is rarely made of those characters.)
        /// </summary>
        public bool MayHideBehindEscapes(ReadOnlySpan<byte> utf8)
        {
            int offset = 0;
            while (true)
            {
                int found = utf8.Slice(offset).IndexOf((byte)'\\');
                if (found < 0 || offset + found + 1 >= utf8.Length)
                {
                    return false;
                }

                int at = offset + found;
                byte kind = utf8[at + 1];
                if (kind == (byte)'u')
                {
                    if (at + 6 > utf8.Length || !TryHex(utf8.Slice(at + 2, 4), out char decoded) || _chars.Contains(decoded))
                    {
                        return true; // a secret's character, or an escape this check cannot read: mask to be safe
                    }

                    offset = at + 6;
                }
                else
                {
                    if (_shortEscapable && _chars.Contains(FromShortEscape(kind)))
                    {
                        return true;
                    }

                    offset = at + 2; // also skips the second backslash of \\
                }
            }
        }

        private static bool TryHex(ReadOnlySpan<byte> hex, out char value)
        {
            int v = 0;
            foreach (byte b in hex)
            {
                int digit = b >= (byte)'0' && b <= (byte)'9' ? b - '0'
                    : b >= (byte)'a' && b <= (byte)'f' ? b - 'a' + 10
                    : b >= (byte)'A' && b <= (byte)'F' ? b - 'A' + 10
                    : -1;
                if (digit < 0)
                {
                    value = '\0';
                    return false;
                }

                v = (v << 4) | digit;
            }

            value = (char)v;
            return true;
        }

        /// <summary>The escape letter JSON may write <paramref name="c"/> with (0: none).</summary>
        private static char ShortEscapeOf(char c) => c switch
        {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            '\b' => 'b',
            '\f' => 'f',
            '\n' => 'n',
            '\r' => 'r',
            '\t' => 't',
            _ => '\0',
        };

        private static char FromShortEscape(byte kind) => kind switch
        {
            (byte)'"' => '"',
            (byte)'\\' => '\\',
            (byte)'/' => '/',
            (byte)'b' => '\b',
            (byte)'f' => '\f',
            (byte)'n' => '\n',
            (byte)'r' => '\r',
            (byte)'t' => '\t',
            _ => '\uFFFF',
        };

        /// <summary>The same result as <see cref="SecretRedactor.Redact"/> with the secrets this set was built from.</summary>
        public string? Redact(string? text)
        {
            if (text is null)
            {
                return null;
            }

            string result = text;
            foreach (string form in _forms)
            {
                if (result.IndexOf(form, StringComparison.Ordinal) >= 0)
                {
                    result = result.Replace(form, SecretRedactor.Mask);
                }
            }

            return result;
        }
    }
}
