using System;
using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace Loomcycle
{
    /// <summary>
    /// Removes secrets (the bearer token, per-request user bearers) from any text that may reach a user:
    /// error bodies, exception messages, error events. A server or proxy that echoes request headers
    /// into its error page must not turn an error record into a token leak, also when its JSON encoder
    /// escaped some of the secret's characters (Go: <c>&amp;</c> as <c>\u0026</c>; System.Text.Json: <c>+</c> as
    /// <c>\u002B</c>; PHP: <c>/</c> as <c>\/</c>).
    /// </summary>
    internal static class SecretRedactor
    {
        public const string Mask = "***";

        // "token" and "import_token" hold the secret a mint (user token, operator token) returns once; the value may be
        // cut off by an excerpt's end.
        private static readonly System.Text.RegularExpressions.Regex MintedSecretField = new System.Text.RegularExpressions.Regex(
            "(\"(?:token|import_token)\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*(?:\"|$)",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        /// <summary>
        /// Masks the values of <c>token</c> and <c>import_token</c> fields in a response body kept for an error: a mint
        /// answer this module could not read still holds a secret that no list of known secrets can name yet.
        /// </summary>
        public static string MaskMintedSecrets(string text) => MintedSecretField.Replace(text, "$1\"" + Mask + "\"");

        public static string? Redact(string? text, IReadOnlyList<string>? secrets)
        {
            if (text is null || secrets is null)
            {
                return text;
            }

            string result = text;
            foreach (string secret in secrets)
            {
                // Very short secrets would mask ordinary words; the server refuses user bearers under 16 characters anyway.
                if (secret.Length < 4)
                {
                    continue;
                }

                foreach (string form in Forms(secret))
                {
                    if (result.IndexOf(form, StringComparison.Ordinal) >= 0)
                    {
                        result = result.Replace(form, Mask);
                    }
                }
            }

            return result;
        }

        /// <summary>
        /// Every form of every secret that <see cref="Redact"/> would mask, in the order it masks them (secrets shorter
        /// than 4 characters left out). Computing them costs more than searching a frame, so streams compute them once.
        /// </summary>
        internal static string[] AllForms(IReadOnlyList<string>? secrets)
        {
            if (secrets is null || secrets.Count == 0)
            {
                return Array.Empty<string>();
            }

            var forms = new List<string>();
            foreach (string secret in secrets)
            {
                if (secret.Length >= 4)
                {
                    forms.AddRange(Forms(secret));
                }
            }

            return forms.ToArray();
        }

        /// <summary>The secret as written, and as JSON encoders that escape some of its characters would write it.</summary>
        private static IEnumerable<string> Forms(string secret)
        {
            yield return secret;
            var seen = new HashSet<string>(StringComparer.Ordinal) { secret };
            string dotnet = JsonEncodedText.Encode(secret).ToString();
            foreach (string escaped in new[] { dotnet, LowerHex(dotnet), GoEscape(secret) })
            {
                foreach (string form in new[] { escaped, escaped.Replace("/", "\\/") })
                {
                    if (seen.Add(form))
                    {
                        yield return form;
                    }
                }
            }
        }

        private static string GoEscape(string secret)
        {
            var text = new StringBuilder(secret.Length + 16);
            foreach (char c in secret)
            {
                switch (c)
                {
                    case '"': text.Append("\\\""); break;
                    case '\\': text.Append("\\\\"); break;
                    case '<': text.Append("\\u003c"); break;
                    case '>': text.Append("\\u003e"); break;
                    case '&': text.Append("\\u0026"); break;
                    default: text.Append(c); break;
                }
            }

            return text.ToString();
        }

        private static string LowerHex(string escaped)
        {
            var text = new StringBuilder(escaped);
            for (int i = 0; i + 5 < text.Length; i++)
            {
                if (text[i] == '\\' && text[i + 1] == 'u')
                {
                    for (int j = i + 2; j < i + 6; j++)
                    {
                        text[j] = char.ToLowerInvariant(text[j]);
                    }

                    i += 5;
                }
            }

            return text.ToString();
        }
    }
}
