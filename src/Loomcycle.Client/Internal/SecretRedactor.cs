using System;
using System.Collections.Generic;

namespace Loomcycle
{
    /// <summary>
    /// Removes secrets (the bearer token, per-request user bearers) from any text that may reach a user:
    /// error bodies, exception messages, error events. A server or proxy that echoes request headers
    /// into its error page must not turn an error record into a token leak.
    /// </summary>
    internal static class SecretRedactor
    {
        public const string Mask = "***";

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
                if (secret.Length >= 4 && result.IndexOf(secret, StringComparison.Ordinal) >= 0)
                {
                    result = result.Replace(secret, Mask);
                }
            }

            return result;
        }
    }
}
