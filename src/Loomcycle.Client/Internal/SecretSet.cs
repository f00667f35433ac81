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
        public static readonly SecretSet Empty = new SecretSet(Array.Empty<string>());

        private readonly string[] _forms;
        private readonly byte[][] _utf8Forms;

        private SecretSet(string[] forms)
        {
            _forms = forms;
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
            return forms.Length == 0 ? Empty : new SecretSet(forms);
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
